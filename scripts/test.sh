#!/usr/bin/env bash
# Quick start 2: install what is missing, build, run the whole test suite
# (unit tests against a mock KVM, integration tests under real KVM).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
