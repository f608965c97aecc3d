#!/usr/bin/env bash
# Configures and builds everything into build/ (vmm at build/bin/vmm, the
# bundled guest at build/guest/guest.elf).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@"
cmake --build build
