#!/usr/bin/env bash
# The test command: services up (installed if missing), then every test, in release
# mode (one build serves the tests, the quality gate and the binary they drive).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo test --release --all-targets "$@"
