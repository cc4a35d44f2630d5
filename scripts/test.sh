#!/usr/bin/env bash
# The test command: services up (installed if missing), then every test, in release
# mode (one build serves the tests, the quality gate and the binary they drive).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Queues earlier test runs left behind (prefix t_, no consumer): every quorum queue is a
# Raft member RabbitMQ must recover on restart, and the fault suite restarts it. Each test
# uses its own fresh prefix, so none of these can belong to a test about to run.
if command -v rabbitmqctl >/dev/null 2>&1; then
    stale=$(timeout 60 rabbitmqctl -q list_queues name consumers 2>/dev/null |
        awk '$1 ~ /^t_/ && $2 == 0 {print $1}' || true)
    if [ -n "$stale" ]; then
        echo "test.sh: deleting $(echo "$stale" | wc -l) queues left by earlier test runs"
        echo "$stale" | xargs -P 4 -n 20 sh -c \
            'for q; do timeout 30 rabbitmqctl -q delete_queue "$q" >/dev/null 2>&1 || true; done' sh
    fi
fi
cargo test --release --all-targets "$@"
