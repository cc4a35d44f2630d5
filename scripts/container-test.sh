#!/usr/bin/env bash
# Builds the real Dockerfile and runs the real docker-compose.yml with podman, on a Debian
# machine with no Docker engine and no registry, and checks what a deployment relies on:
# the image runs as non-root, answers --version, its HEALTHCHECK passes; the compose stack
# (broker, database, migrate, 3 workers, sample site, events consumer) stores every sample
# page exactly once, delivers every event, spreads work over the workers, scales to 4,
# and every worker exits 0 on SIGTERM. Everything is torn down whatever fails.
#
# Images the Dockerfile and compose file name are made locally (scripts/container/README.md).
# Sandbox-only settings go into $WORK/containers.conf, never into the project's files.
#
#   scripts/container-test.sh            # CONTAINER_TEST_DIR (default /var/tmp/report-ingest-containers)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${CONTAINER_TEST_DIR:-/var/tmp/report-ingest-containers}
PROJECT=ri-ct-$$
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
RUST_VERSION=$(sed -n 's/^ARG RUST_VERSION=//p' Dockerfile)
mkdir -p "$WORK"
log() { printf 'container-test: %s\n' "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

# --- tools ---------------------------------------------------------------------------
need=()
for p in podman buildah netavark aardvark-dns runc debootstrap iptables; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${need[@]}" uidmap slirp4netns fuse-overlayfs >/dev/null
fi
# Debian's podman-compose 1.0.3 ignores health conditions and --scale: take >= 1.1 from PyPI.
if [ ! -x "$WORK/venv/bin/podman-compose" ]; then
    python3 -m venv "$WORK/venv"
    "$WORK/venv/bin/pip" install -q 'podman-compose>=1.1,<2'
fi
COMPOSE=("$WORK/venv/bin/podman-compose" -p "$PROJECT" -f "$ROOT/docker-compose.yml")

# --- this sandbox's podman settings ------------------------------------------------
# It refuses to raise RLIMIT_NOFILE/NPROC above the current hard limits, runs cgroups v1
# without systemd (cgroupfs, file event log), and has no systemd timers for health checks
# (the script runs them, below).
nofile=$(ulimit -Hn)
# (Measured here: runc may set nproc up to 32768 but not 65536, although the host's hard
# limit is higher.)
nproc=$(ulimit -Hu)
if [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; then nproc=32768; fi
cat > "$WORK/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
[network]
network_backend = "netavark"
EOF
export CONTAINERS_CONF="$WORK/containers.conf"
# Builds do not read default_ulimits: the same limits as flags.
ULIMITS=(--ulimit "nofile=${nofile}:${nofile}" --ulimit "nproc=${nproc}:${nproc}")
podman info >/dev/null 2>&1 || fail "podman does not run here: $(podman info 2>&1 | tail -3)"

# --- base images ---------------------------------------------------------------------
have() { podman image exists "$1"; }
tag_both() { # an image under its short Docker Hub name, as the files name it
    podman tag "$1" "docker.io/library/$2" && podman tag "$1" "localhost/$2"
}
if ! have docker.io/library/debian:bookworm-slim; then
    log "debootstrap bookworm (minbase)"
    rm -rf "$WORK/rootfs"
    debootstrap --variant=minbase bookworm "$WORK/rootfs" http://deb.debian.org/debian >"$WORK/debootstrap.log"
    r=$WORK/rootfs
    # Slimmed like the official image: apt keeps no caches, dpkg installs no docs.
    cat > "$r/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
    printf 'APT::Install-Recommends "false";\n' > "$r/etc/apt/apt.conf.d/docker-no-recommends"
    cat > "$r/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
EOF
    find "$r/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
    rm -rf "$r"/usr/share/man/* "$r"/usr/share/info/* "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/*.bin
    find "$r/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
    echo 'deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main' > "$r/etc/apt/sources.list"
    tar -C "$r" -c . | podman import --change 'CMD ["bash"]' - localhost/debian-base >/dev/null
    tag_both localhost/debian-base debian:bookworm-slim
    rm -rf "$r"
fi
build_standin() { # name containerfile [context [label]]
    local name=$1 file=$2 ctx=${3:-$ROOT/scripts/container} label=${4:-report-ingest.standin=1}
    if ! have "docker.io/library/$name"; then
        log "building stand-in $name"
        podman build "${ULIMITS[@]}" --label "$label" --pull=never -q -f "$ROOT/scripts/container/$file" -t "localhost/$name" "$ctx" >/dev/null
        tag_both "localhost/$name" "$name"
    fi
}
build_standin rabbitmq:3-management rabbitmq.Containerfile
build_standin postgres:15 postgres.Containerfile
build_standin python:3.12-alpine python.Containerfile
# The builder carries the crates of this Cargo.lock: rebuilt when the lock file changes.
lock=$(sha256sum Cargo.lock | cut -c1-16)
rust_img="docker.io/library/rust:${RUST_VERSION}-slim-bookworm"
if ! have "$rust_img" || [ "$(podman image inspect --format '{{index .Labels "report-ingest.lock"}}' "$rust_img")" != "$lock" ]; then
    podman rmi -f "$rust_img" "localhost/rust:${RUST_VERSION}-slim-bookworm" >/dev/null 2>&1 || true
    # The machine's toolchain and the crates the host build already fetched: the image
    # build runs offline and fetches nothing.
    ctx=$WORK/rust-ctx
    rm -rf "$ctx"
    mkdir -p "$ctx/cargo-home"
    cp "$ROOT/scripts/container/policy-rc.d" "$ctx/"
    tc=$(rustc --print sysroot)
    cp -a "$tc/." "$ctx/toolchain/" 2>/dev/null || { mkdir -p "$ctx/toolchain"; cp -a "$tc/." "$ctx/toolchain/"; }
    rm -rf "$ctx/toolchain/share/doc" "$ctx/toolchain/lib/rustlib/src" "$ctx/toolchain/lib/rustlib/rustc-src"
    (cd "$ROOT" && cargo fetch --locked >/dev/null)
    cp -a "${CARGO_HOME:-$HOME/.cargo}/registry" "$ctx/cargo-home/"
    build_standin "rust:${RUST_VERSION}-slim-bookworm" rust.Containerfile "$ctx" "report-ingest.lock=$lock"
    rm -rf "$ctx"
fi

# --- the real image ------------------------------------------------------------------
# Everything this run starts carries the compose project label (or our image): removed
# on every exit path, whatever failed.
HC_PID=
cleanup() {
    set +e
    [ -n "$HC_PID" ] && kill "$HC_PID" 2>/dev/null
    "${COMPOSE[@]}" down -v -t 10 >/dev/null 2>&1
    podman ps -aq --filter "label=io.podman.compose.project=$PROJECT" | xargs -r podman rm -f >/dev/null 2>&1
    podman pod ls -q --filter "name=pod_$PROJECT" | xargs -r podman pod rm -f >/dev/null 2>&1
    podman network ls -q --filter "label=io.podman.compose.project=$PROJECT" | xargs -r podman network rm -f >/dev/null 2>&1
    podman volume ls -q --filter "label=io.podman.compose.project=$PROJECT" | xargs -r podman volume rm -f >/dev/null 2>&1
    left=$(podman ps -aq --filter "label=io.podman.compose.project=$PROJECT" | wc -l)
    [ "$left" = 0 ] || log "cleanup left $left containers"
}
trap cleanup EXIT

log "building the Dockerfile (podman build --format docker --pull=never)"
t0=$(date +%s)
# --format docker: the OCI format has no HEALTHCHECK and would drop it silently.
podman build --format docker --pull=never "${ULIMITS[@]}" \
    -t localhost/report-ingest:local -t "localhost/report-ingest:$VERSION" . >"$WORK/build.log" 2>&1 \
    || { tail -40 "$WORK/build.log" >&2; fail "the Dockerfile does not build"; }
log "image built in $(( $(date +%s) - t0 )) s, $(podman image inspect --format '{{.Size}}' report-ingest:local | awk '{printf "%.0f MB", $1/1e6}')"
got=$(podman run --rm report-ingest:local --version)
[ "$got" = "report-ingest $VERSION" ] || fail "--version printed '$got'"
[ "$(podman image inspect --format '{{.Config.User}}' report-ingest:local)" = "10001:10001" ] \
    || fail "the image does not run as 10001:10001"
ids=$(podman run --rm --entrypoint id report-ingest:local)
case "$ids" in "uid=10001(report-ingest) gid=10001(report-ingest)"*) ;; *) fail "id in the image: $ids" ;; esac
podman image inspect --format '{{json .Config.Healthcheck}}' report-ingest:local | grep -q healthcheck \
    || fail "the image has no HEALTHCHECK"
log "image: --version, user 10001:10001 with its group, HEALTHCHECK present"

# --- the compose stack ---------------------------------------------------------------
# No systemd here, so podman has no timers to run health checks: this loop runs them
# (podman 4.3 also cannot wait for `healthy`, so podman-compose gates on start/exit only;
# migrate and the worker wait for the broker and the database themselves).
(
    while sleep 3; do
        for c in $(podman ps -q --filter "label=io.podman.compose.project=$PROJECT"); do
            podman healthcheck run "$c" >/dev/null 2>&1 || true
        done
    done
) &
HC_PID=$!
pg() { podman exec "${PROJECT}_postgres_1" psql -U report_ingest -d report_ingest -tAc "$1"; }
wait_for() { # seconds description command...
    local n=$1 what=$2; shift 2
    for _ in $(seq "$n"); do "$@" && return 0; sleep 1; done
    fail "timed out after ${n}s waiting for $what"
}
# The services start in the order the compose file's depends_on gives, one step at a time
# (`--no-deps`: podman 4.3 cannot start a container whose --requires chain is transitive,
# "not found in input list", nor wait for `healthy`).
up() { "${COMPOSE[@]}" up -d --no-deps "$@" >>"$WORK/compose-up.log" 2>&1 || { tail -30 "$WORK/compose-up.log" >&2; fail "compose up $*"; }; }
log "compose: broker, database, site, then migrate (it waits for them)"
up rabbitmq postgres site
up migrate
exited() { [ "$(podman inspect --format '{{.State.Status}}' "$1" 2>/dev/null)" = exited ]; }
wait_for 180 "migrate to finish" exited "${PROJECT}_migrate_1"
code=$(podman inspect --format '{{.State.ExitCode}}' "${PROJECT}_migrate_1")
[ "$code" = 0 ] || { podman logs "${PROJECT}_migrate_1" >&2; fail "migrate exited $code"; }
log "compose: the events consumer"
up events
# The consumer's queue must be bound before anything is enqueued, or early events miss it.
# Its health check (the compose file's) turns healthy once the queue is bound.
wait_for 120 "the events consumer healthy (queue bound)" podman healthcheck run "${PROJECT}_events_1"
log "compose: 3 workers, then the enqueue of the sample pages"
up --scale worker=3 worker
up enqueue
pages=$(grep -c 'http://site:8000/' docker-compose.yml)
stored() { [ "$(pg "select count(*) from report_ingest.reports")" = "$1" ]; }
wait_for 300 "$pages stored reports" stored "$pages"
events() { [ "$(podman logs "${PROJECT}_events_1" 2>/dev/null | grep -c 'report.completed')" -ge "$1" ]; }
wait_for 60 "$pages report.completed events" events "$pages"
[ "$(pg "select count(distinct url) from report_ingest.reports")" = "$pages" ] || fail "a page stored twice"
for i in 1 2 3; do
    podman healthcheck run "${PROJECT}_worker_$i" >/dev/null || fail "worker $i: HEALTHCHECK fails"
done
log "stored $pages pages once each, $pages events received, the workers' HEALTHCHECK passes"

# More pages (distinct URLs of the same sample pages), so every worker gets some.
urls() { # count per page, tag
    grep -o 'http://site:8000/[^ "]*' docker-compose.yml | while read -r u; do
        for n in $(seq "$1"); do echo "$u?$2=$n"; done
    done
}
settled() { podman logs "$1" 2>&1 | grep -c 'Delivery settled' || true; }
urls 20 a | podman exec -i "${PROJECT}_worker_1" report-ingest enqueue >/dev/null || fail "enqueue more"
total=$((pages + pages * 20))
wait_for 300 "$total stored reports" stored "$total"
for i in 1 2 3; do
    n=$(settled "${PROJECT}_worker_$i")
    [ "$n" -gt 0 ] || fail "worker $i consumed nothing"
    log "worker $i settled $n deliveries"
done
log "compose: scale to 4 workers"
up --scale worker=4 worker
wait_for 120 "the 4th worker consuming" sh -c "podman logs ${PROJECT}_worker_4 2>&1 | grep -q 'Consuming'"
urls 20 b | podman exec -i "${PROJECT}_worker_1" report-ingest enqueue >/dev/null || fail "enqueue after scaling"
total=$((total + pages * 20))
wait_for 300 "$total stored reports" stored "$total"
wait_for 60 "$total report.completed events" events "$total"
[ "$(pg "select count(distinct url) from report_ingest.reports")" = "$total" ] || fail "a page stored twice"
n4=$(settled "${PROJECT}_worker_4")
[ "$n4" -gt 0 ] || fail "the 4th worker consumed nothing"
log "4 workers: $total pages stored once each, $total events; worker 4 settled $n4"

# SIGTERM: every worker drains and exits 0.
for i in 1 2 3 4; do
    podman stop -t 40 "${PROJECT}_worker_$i" >/dev/null
    code=$(podman inspect --format '{{.State.ExitCode}}' "${PROJECT}_worker_$i")
    [ "$code" = 0 ] || fail "worker $i exited $code on SIGTERM"
done
log "SIGTERM: 4/4 workers exited 0"
log "PASS"
