#!/usr/bin/env bash
# The test command: services up (installed if missing), then every test, in release
# mode (one build serves the tests, the quality gate and the binary they drive).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Every suite deletes the queues and exchanges it declares (tests/support: TestEnv::teardown,
# delete_topology, delete_deployment), so runs leave nothing on the broker to sweep.
cargo test --release --all-targets "$@"
