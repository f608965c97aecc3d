#!/usr/bin/env bash
# Quick start 1: install what is missing, build, boot the bundled guest on 4 vCPUs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/bin/vmm --smp 4 "$@"
