#!/usr/bin/env bash
# Raises the quality-gate floors in tests/floors.json to the scores measured now on
# ../shared/corpus/dev (rounded DOWN to 3 decimals). Never lowers a floor: a metric that
# scores below its floor is reported and left as it is (fix the regression instead).
# Usage: scripts/raise-floors.sh        (then review and commit tests/floors.json)
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="$(cd .. && pwd)/shared"
DEV="$SHARED/corpus/dev"
EVAL="$SHARED/tools/extract-eval/report_eval.py"
if [ ! -d "$DEV" ] || [ ! -f "$EVAL" ]; then
  echo "raise-floors: $DEV or $EVAL not found; nothing measured, floors unchanged" >&2
  exit 1
fi
cargo build --release --bin report-ingest
BIN="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)/release/report-ingest"
OUT="$(mktemp)"
trap 'rm -f "$OUT"' EXIT
python3 "$EVAL" "$DEV" --cmd-batch "'$BIN' extract --jsonl {list_file}" --json-out "$OUT"
python3 - "$OUT" tests/floors.json "$(find "$DEV" -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)" <<'PY'
import json, math, sys
out, floors_path, corpus_hash = sys.argv[1], sys.argv[2], sys.argv[3]
agg = json.load(open(out, encoding="utf-8"))[0]
doc = json.load(open(floors_path, encoding="utf-8"))
floors = doc["floors"]
changed = False
for key, old in floors.items():
    got = agg.get(key)
    if got is None:
        print(f"  {key}: not measured, floor {old} kept")
        continue
    new = math.floor(got * 1000) / 1000
    if new > old:
        print(f"  {key}: {old:.3f} -> {new:.3f} (measured {got:.4f})")
        floors[key] = new
        changed = True
    elif got + 1e-9 < old:
        print(f"  {key}: measured {got:.4f} is BELOW the floor {old:.3f}; floor kept (regression!)")
    else:
        print(f"  {key}: {old:.3f} kept (measured {got:.4f})")
if changed:
    doc["corpus_sha256_16"] = corpus_hash
    with open(floors_path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    print(f"raise-floors: {floors_path} updated; review and commit it")
else:
    print("raise-floors: no floor raised")
PY
