#!/usr/bin/env bash
# README command 1: the whole pipeline on this machine, end to end.
#   services up → release build → migrate → a local site serving examples/pages →
#   an event listener → enqueue the page URLs → a worker until all are processed →
#   a table of stored reports and the events received → everything stopped, exit 0.
# Each run uses a fresh prefix and schema (demo_<random>), so runs never collide.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[demo] %s\n' "$*" >&2; }

./scripts/setup.sh
log "building (release)"
cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/report-ingest

RUN=demo_$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
export REPORT_INGEST_PREFIX=$RUN REPORT_INGEST_DB_SCHEMA=$RUN
export DATABASE_URL=${DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/report_ingest}
export AMQP_URL=${AMQP_URL:-amqp://guest:guest@127.0.0.1:5672/%2f}
export RUST_LOG=${RUST_LOG:-warn}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

log "prefix and schema: $RUN"
"$BIN" migrate >&2

# A local site with the sample pages (python's server sends no charset: the pages say it).
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory examples/pages >"$WORK/http.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/" >/dev/null && break; sleep 0.1; done

PAGES=(examples/pages/*.html)
N=${#PAGES[@]}
for p in "${PAGES[@]}"; do echo "http://127.0.0.1:$PORT/$(basename "$p")"; done >"$WORK/urls.txt"

# Events: our own queue bound to {prefix}.events, declared before anything is published.
"$BIN" events tail --json --count "$N" --timeout 120 >"$WORK/events.jsonl" 2>"$WORK/tail.log" &
TAIL=$!
PIDS+=($TAIL)
sleep 1

log "enqueueing $N pages"
"$BIN" enqueue --file "$WORK/urls.txt" --meta "{\"demo\":\"$RUN\"}"

log "running a worker until all $N are processed"
"$BIN" worker --allow-private --ignore-robots --host-rate 1000 --host-concurrency 64 \
  --no-migrate >"$WORK/worker.log" 2>&1 &
WORKER=$!
PIDS+=($WORKER)
wait "$TAIL" || { log "events tail failed:"; cat "$WORK/tail.log" >&2; exit 1; }
kill -TERM "$WORKER"
wait "$WORKER" || { log "worker exited non-zero:"; tail -20 "$WORK/worker.log" >&2; exit 1; }

echo
echo "== Stored reports (schema $RUN) =="
psql "$DATABASE_URL" -q -P pager=off -c "
  SELECT r.title, r.published, r.source_org AS org, r.doc_type, r.article_count AS articles,
         (SELECT count(*) FROM \"$RUN\".report_figures f WHERE f.report_id = r.id) AS figures,
         r.charset
  FROM \"$RUN\".reports r ORDER BY r.url"

echo "== Events received ($(wc -l <"$WORK/events.jsonl")) =="
python3 - "$WORK/events.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.strip()
    if not line:
        continue
    e = json.loads(line)
    d = e.get("data", {})
    extra = d.get("reason") or f"{d.get('doc_type')} · {d.get('figure_count')} figures"
    print(f"{e['type']:<17} {e['id'][:8]}  {(d.get('title') or '')[:28]:<28}  {extra}")
PY
log "done; stopping everything"
