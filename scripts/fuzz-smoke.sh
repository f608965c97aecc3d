#!/usr/bin/env bash
# Smoke run of every libFuzzer target (tests/fuzz): configures a build of its
# own with clang (CMake preset `fuzz`, VMM_FUZZ=ON), builds the targets only,
# and runs each for a fixed number of executions from its seed corpus, with a
# fixed seed so that two runs do the same work. Any crash, leak, sanitizer
# report, timeout or out-of-memory fails the run; the input that caused it is
# kept in $BUILD_DIR/fuzz-artifacts/. New corpus entries go to a temporary
# directory, never into the repository. Long runs: tests/fuzz/README.md.
#
#   scripts/fuzz-smoke.sh                   # build-fuzz/, 20000 runs per target
#   RUNS=100000 BUILD_DIR=/tmp/f scripts/fuzz-smoke.sh virtqueue_fuzz
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-fuzz}
RUNS=${RUNS:-20000}
JOBS=${JOBS:-$(nproc)}

if ! command -v clang++ >/dev/null; then
  echo "fuzz-smoke: clang++ not found; the fuzz targets need clang with libFuzzer (apt-get install clang)" >&2
  exit 1
fi
# clang without its runtime libraries (Debian: libclang-rt-14-dev, only a
# Recommends of clang) compiles but cannot link -fsanitize=fuzzer.
probe=$(mktemp -d)
if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' |
    clang++ -x c++ -fsanitize=fuzzer,address,undefined -o "$probe/probe" - 2>/dev/null; then
  rm -rf "$probe"
  echo "fuzz-smoke: clang++ cannot link -fsanitize=fuzzer,address,undefined; it needs libFuzzer and the sanitizer runtimes (apt-get install libclang-rt-14-dev)" >&2
  exit 1
fi
rm -rf "$probe"

targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(virtqueue_fuzz mmio_transport_fuzz virtio_net_fuzz shmem_ring_fuzz pvh_loader_fuzz config_cli_fuzz
           exit_dispatch_fuzz)
fi

cmake --preset fuzz -B "$BUILD_DIR" >/dev/null
cmake --build "$BUILD_DIR" -j"$JOBS" --target fuzz_targets

artifacts="$BUILD_DIR/fuzz-artifacts"
mkdir -p "$artifacts"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

failed=()
for target in "${targets[@]}"; do
  mkdir -p "$scratch/$target"
  start=$SECONDS
  # -timeout: one input taking 10 s is a hang. Leak detection is on by default.
  if "$BUILD_DIR/fuzz/$target" -runs="$RUNS" -seed=1 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$artifacts/$target-" -print_final_stats=1 \
      "$scratch/$target" "tests/fuzz/corpus/$target" >"$scratch/$target.log" 2>&1; then
    echo "fuzz-smoke: $target: $RUNS runs ok ($((SECONDS - start)) s, $(grep -o 'cov: [0-9]*' "$scratch/$target.log" | tail -1))"
  else
    echo "fuzz-smoke: $target: FAILED ($((SECONDS - start)) s); its log:" >&2
    tail -n 60 "$scratch/$target.log" >&2
    failed+=("$target")
  fi
done

if ((${#failed[@]})); then
  echo "fuzz-smoke: failed: ${failed[*]} (inputs in $artifacts/)" >&2
  exit 1
fi
