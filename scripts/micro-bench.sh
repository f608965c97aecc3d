#!/usr/bin/env bash
# Builds and runs the Google Benchmark micro-benchmarks (bench/micro):
# virtqueue_bench, bus_bench, shmem_ring_bench, printing each one's table.
# MIN_TIME seconds per benchmark keeps the whole run under 30 s on a 2-core
# machine; raise it for steadier numbers. Extra arguments go to every
# benchmark binary (e.g. --benchmark_filter=Pop, --benchmark_format=json).
#
#   scripts/micro-bench.sh                          # build/, 0.1 s per benchmark
#   MIN_TIME=1 BUILD_DIR=/tmp/b scripts/micro-bench.sh --benchmark_repetitions=3
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
MIN_TIME=${MIN_TIME:-0.1}
benches=(virtqueue_bench bus_bench shmem_ring_bench)

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
if ! grep -q '^benchmark_DIR:PATH=/' "$BUILD_DIR/CMakeCache.txt"; then
  echo "micro-bench: Google Benchmark not found; apt-get install libbenchmark-dev" >&2
  exit 1
fi
cmake --build "$BUILD_DIR" -j"${JOBS:-$(nproc)}" --target "${benches[@]}"

for bench in "${benches[@]}"; do
  echo
  "$BUILD_DIR/bin/$bench" --benchmark_min_time="$MIN_TIME" "$@"
done
