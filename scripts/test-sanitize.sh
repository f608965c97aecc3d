#!/usr/bin/env bash
# Builds the VMM and its tests with AddressSanitizer + UndefinedBehaviorSanitizer
# (CMake preset `asan`, VMM_SANITIZE=ON; the guest kernel keeps its own
# freestanding flags) and runs the unit and integration tests under them. The
# integration tests boot guests under real KVM through the sanitized `vmm`.
#
# Any sanitizer report fails the run, in two ways: a report stops the process
# with a distinctive status (halt_on_error), which fails its test; and every
# report is also written to a file under $BUILD_DIR/sanitizer-reports, so a
# report from a child process whose exit status a test does not look at (a
# `vmm` the test kills, say) still fails the run here.
#
#   scripts/test-sanitize.sh                 # build-asan/, every test
#   BUILD_DIR=/tmp/b scripts/test-sanitize.sh -L unit   # extra args go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-asan}
JOBS=${JOBS:-$(nproc)}

# The guest is never sanitized: the ASan build embeds the default build's
# guest.elf (gcc's; CMake preset `asan`), so make sure it exists.
[[ -f build/CMakeCache.txt ]] || cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build --target guest_elf
cmake --preset asan -B "$BUILD_DIR"
cmake --build "$BUILD_DIR" -j"$JOBS"

reports="$(cd "$BUILD_DIR" && pwd)/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"

# 86: no test expects it (vmm's own statuses are 0, 2, 4, 6, odd debug-exit
# values and 128+n). detect_leaks works outside ptrace (not under gdb/strace).
export ASAN_OPTIONS="halt_on_error=1:exitcode=86:detect_leaks=1:print_stacktrace=1:strict_string_checks=1:check_initialization_order=1:detect_stack_use_after_return=1:log_path=$reports/asan"
export UBSAN_OPTIONS="halt_on_error=1:exitcode=86:print_stacktrace=1:log_path=$reports/ubsan"
export LSAN_OPTIONS="exitcode=86"

status=0
ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$JOBS" "$@" || status=$?

shopt -s nullglob
found=("$reports"/*)
if ((${#found[@]})); then
  echo "=== sanitizer reports (${#found[@]} files) ===" >&2
  for f in "${found[@]}"; do
    echo "--- $f" >&2
    cat "$f" >&2
  done
  status=1
fi
exit "$status"
