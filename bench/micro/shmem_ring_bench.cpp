// Micro-benchmark of the shared-memory rings (abi/shmem_ring.h): the cost of
// one push + pop in one thread (ring bookkeeping and two copies), and a
// stream between a producer and a consumer thread (cache-line hand-over;
// a side that finds the ring full or empty yields, so that on a loaded
// machine the two threads sharing one CPU still make progress).
// Not a test: run `shmem_ring_bench`; numbers depend on the machine.
#include <benchmark/benchmark.h>

#include <array>
#include <memory>
#include <optional>
#include <thread>

#include "abi/shmem_ring.h"
#include "devices/shmem/shmem_endpoint.h"
#include "devices/shmem/shmem_region.h"

namespace {

using vmm::ShmemEndpoint;
using vmm::ShmemRegion;

struct Device {
  explicit Device(uint64_t size) : region(ShmemRegion::create(size, {}).value()) {
    shmem::guest_attach(region.data(), region.size(), &guest);
    host.emplace(ShmemEndpoint::attach(region.bytes()).value());
  }
  ShmemRegion region;
  shmem::GuestRings guest;
  std::optional<ShmemEndpoint> host;
};

void BM_PushPopOneThread(benchmark::State& state) {
  Device d(1 << 20);
  std::array<uint8_t, shmem::kMaxFrameSize> frame{}, out{};
  auto length = static_cast<uint32_t>(state.range(0));
  for (auto _ : state) {
    d.guest.to_host.try_push(frame.data(), length);
    benchmark::DoNotOptimize(d.host->receive(out));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * length);
}
BENCHMARK(BM_PushPopOneThread)->Arg(64)->Arg(512)->Arg(1514);

std::unique_ptr<Device> g_stream;

void BM_StreamTwoThreads(benchmark::State& state) {
  std::array<uint8_t, shmem::kMaxFrameSize> frame{};
  auto length = static_cast<uint32_t>(state.range(0));
  bool producer = state.thread_index() == 0;
  for (auto _ : state) {
    if (producer) {
      while (g_stream->guest.to_host.try_push(frame.data(), length).status == shmem::RingStatus::kFull)
        std::this_thread::yield();
    } else {
      while (g_stream->host->receive(frame).status == shmem::RingStatus::kEmpty)
        std::this_thread::yield();
    }
  }
  if (!producer) state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * length);
}
BENCHMARK(BM_StreamTwoThreads)
    ->Arg(64)
    ->Arg(1514)
    ->Threads(2)
    ->UseRealTime()
    ->Setup([](const benchmark::State&) { g_stream = std::make_unique<Device>(1 << 20); })
    ->Teardown([](const benchmark::State&) { g_stream.reset(); });

}  // namespace

BENCHMARK_MAIN();
