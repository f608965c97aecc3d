// Micro-benchmarks of the device side of a split virtqueue
// (virtio/queue/virtqueue.h): taking a chain from the available ring (pop),
// returning chains through the used ring (push_used + publish_used), and one
// whole device turn as VirtioNet::process_tx runs it, with and without
// VIRTIO_F_EVENT_IDX; direct chains against one indirect table each.
//
// The driver's side is the bundled guest's driver ring (abi/virtio/), the
// handful of stores a guest driver makes into the rings. It runs inside the
// timed loop, a batch of chains per iteration, so the queue never holds more
// than its size and no timer pause is needed; its cost (one store per chain,
// one per batch) is in the numbers and small beside the device's. Items are chains. Not a test: run `virtqueue_bench`; numbers
// depend on the machine.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <type_traits>
#include <utility>
#include <vector>

#include "abi/virtio/driver_ring.h"
#include "virtio/queue/virtqueue.h"
#include "virtio/spec.h"
#include "hv/memory/guest_memory.h"

namespace {

using vmm::GuestMemory;
using vmm::Result;
using namespace vmm::virtio;

constexpr uint64_t kNoFeatures = 0;
constexpr uint64_t kGuestRam = 256 << 20;  // the vmm's default --memory
constexpr uint16_t kQueueSize = 256;       // VirtioNet::kQueueSize
constexpr uint64_t kRingGpa = 0x10000;
constexpr uint64_t kTablesGpa = 0x40000;   // indirect tables, one per chain
constexpr uint64_t kBuffersGpa = 0x100000;
constexpr uint32_t kMaxChainDescriptors = 16;
constexpr uint32_t kHeaderBytes = 12;      // a virtio_net_hdr
constexpr uint32_t kFrameBytes = 1514;

// Set-up failing is a bug in this file, not a measurement.
template <typename T>
T must(Result<T> result, const char* what) {
  if (!result.ok()) {
    std::fprintf(stderr, "virtqueue_bench: %s: %s\n", what, result.error().message.c_str());
    std::abort();
  }
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

enum class ChainKind { kDirect, kIndirect };

// The guest driver: the abi driver ring (abi/virtio/driver_ring.h, the
// bundled guest's) with fixed chains written once, then offered by head. Each
// chain is one device-readable header followed by device-writable buffers, as
// a request that the device answers; a one-descriptor chain is a bare buffer.
class BenchDriver {
 public:
  BenchDriver(const GuestMemory& memory, ChainKind kind, uint32_t descriptors);

  QueueLayout layout() const {
    return QueueLayout{kQueueSize, ring_.desc_gpa(), ring_.avail_gpa(), ring_.used_gpa()};
  }
  // Puts the next `count` heads in the available ring, then publishes the
  // index with release, as virtio 1.2 §2.7.13 orders it.
  void offer(uint16_t count);
  // EVENT_IDX: used_event = i asks for an interrupt once the device has
  // filled used ring entry i (virtio 1.2 §2.7.10).
  void ask_interrupt_at(uint16_t used_idx) { ring_.set_used_event(used_idx); }

 private:
  // Chain number `chain` of `descriptors` buffers, at table[first...].
  static void write_chain(VirtqDesc* table, uint32_t table_size, uint32_t first, uint32_t descriptors,
                          uint32_t chain);

  ::virtio::DriverRing ring_;
  std::vector<uint16_t> heads_;
  size_t next_head_ = 0;
};

BenchDriver::BenchDriver(const GuestMemory& memory, ChainKind kind, uint32_t descriptors) {
  // The used ring 4 KiB aligned like Linux's: at kRingGpa + 0x2000.
  ::virtio::SplitRingLayout layout = ::virtio::split_ring_layout(kRingGpa, kQueueSize, 4096);
  ring_ = ::virtio::DriverRing(must(memory.host_pointer(kRingGpa, layout.bytes), "rings"), kRingGpa,
                               layout, false);
  if (kind == ChainKind::kDirect) {
    for (uint32_t c = 0; c < kQueueSize / descriptors; ++c) {
      write_chain(ring_.descriptors(), kQueueSize, c * descriptors, descriptors, c);
      heads_.push_back(static_cast<uint16_t>(c * descriptors));
    }
  } else {
    for (uint32_t c = 0; c < kQueueSize; ++c) {
      uint64_t table = kTablesGpa + uint64_t{c} * kMaxChainDescriptors * sizeof(VirtqDesc);
      auto table_bytes = static_cast<uint32_t>(descriptors * sizeof(VirtqDesc));
      auto* entries = reinterpret_cast<VirtqDesc*>(must(memory.host_pointer(table, table_bytes), "table"));
      write_chain(entries, descriptors, 0, descriptors, c);
      ring_.write_descriptor(static_cast<uint16_t>(c), VirtqDesc{table, table_bytes, kDescIndirect, 0});
      heads_.push_back(static_cast<uint16_t>(c));
    }
  }
}

void BenchDriver::write_chain(VirtqDesc* table, uint32_t table_size, uint32_t first, uint32_t descriptors,
                              uint32_t chain) {
  ::virtio::ChainBuffer buffers[kMaxChainDescriptors];
  for (uint32_t i = 0; i < descriptors; ++i) {
    bool header = i == 0 && descriptors > 1;
    uint64_t buffer = kBuffersGpa + (uint64_t{chain} * kMaxChainDescriptors + i) * 2048;
    buffers[i] = {buffer, header ? kHeaderBytes : kFrameBytes, !header};
  }
  ::virtio::write_chain(table, table_size, first, buffers, descriptors);
}

void BenchDriver::offer(uint16_t count) {
  for (uint16_t i = 0; i < count; ++i) {
    ring_.put_available(heads_[next_head_]);
    if (++next_head_ == heads_.size()) next_head_ = 0;
  }
  ring_.publish();
}

Virtqueue make_queue(const GuestMemory& memory, const BenchDriver& driver, uint64_t features) {
  return must(Virtqueue::create(memory, driver.layout(), kQueueSize, features), "queue");
}

// Takes one chain; false (with the benchmark marked failed) if there was none.
bool pop_one(benchmark::State& state, Virtqueue& queue, DescriptorChain& chain) {
  auto popped = queue.pop(chain);
  if (popped.ok() && *popped) return true;
  state.SkipWithError(popped.ok() ? "ring empty too early" : popped.error().message.c_str());
  return false;
}

// Args: descriptors per chain, chains per batch.
template <ChainKind kKind>
void BM_Pop(benchmark::State& state) {
  GuestMemory memory = must(GuestMemory::create(kGuestRam), "guest memory");
  auto descriptors = static_cast<uint32_t>(state.range(0));
  auto batch = static_cast<uint16_t>(state.range(1));
  BenchDriver driver(memory, kKind, descriptors);
  Virtqueue queue = make_queue(memory, driver, kFeatureIndirectDesc);
  DescriptorChain chain;
  for (auto _ : state) {
    driver.offer(batch);
    for (uint16_t i = 0; i < batch; ++i) {
      if (!pop_one(state, queue, chain)) return;
      benchmark::DoNotOptimize(chain.writable_bytes);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * batch);
}
BENCHMARK_TEMPLATE(BM_Pop, ChainKind::kDirect)
    ->ArgNames({"descs", "batch"})
    ->Args({1, 1})
    ->Args({1, 16})
    ->Args({2, 16})
    ->Args({4, 16})
    ->Args({16, 16});
BENCHMARK_TEMPLATE(BM_Pop, ChainKind::kIndirect)
    ->ArgNames({"descs", "batch"})
    ->Args({2, 16})
    ->Args({4, 16})
    ->Args({16, 16});

// Returning `batch` chains and publishing them once. push_used takes any
// head (the used side checks nothing), so no pops are needed. With EVENT_IDX
// the driver asks for an interrupt at every batch, so both variants
// interrupt equally often (the "interrupts" counter, per batch) and differ
// only in where publish_used() looks.
template <uint64_t kFeatures>
void BM_PushUsed(benchmark::State& state) {
  GuestMemory memory = must(GuestMemory::create(kGuestRam), "guest memory");
  auto batch = static_cast<uint16_t>(state.range(0));
  BenchDriver driver(memory, ChainKind::kDirect, 1);
  Virtqueue queue = make_queue(memory, driver, kFeatures);
  int64_t interrupts = 0;
  for (auto _ : state) {
    if (kFeatures & kFeatureEventIdx) driver.ask_interrupt_at(queue.next_used_idx());
    for (uint16_t i = 0; i < batch; ++i) queue.push_used(i, kFrameBytes);
    interrupts += queue.publish_used();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * batch);
  state.counters["interrupts"] =
      benchmark::Counter(static_cast<double>(interrupts), benchmark::Counter::kAvgIterations);
}
BENCHMARK_TEMPLATE(BM_PushUsed, kNoFeatures)->ArgName("batch")->Arg(1)->Arg(16)->Arg(256);
BENCHMARK_TEMPLATE(BM_PushUsed, kFeatureEventIdx)->ArgName("batch")->Arg(1)->Arg(16)->Arg(256);

// One turn of a device over a notified queue, as VirtioNet::process_tx runs
// it minus the transmit: pop until empty, push each chain used, publish,
// re-enable notifications and look again (§2.7.10). Chains of two
// descriptors, a header and a buffer, as most virtio-net chains are.
template <uint64_t kFeatures>
void BM_DeviceTurn(benchmark::State& state) {
  GuestMemory memory = must(GuestMemory::create(kGuestRam), "guest memory");
  auto batch = static_cast<uint16_t>(state.range(0));
  BenchDriver driver(memory, ChainKind::kDirect, 2);
  Virtqueue queue = make_queue(memory, driver, kFeatures);
  DescriptorChain chain;
  int64_t interrupts = 0;
  for (auto _ : state) {
    if (kFeatures & kFeatureEventIdx) driver.ask_interrupt_at(queue.next_used_idx());
    driver.offer(batch);
    for (uint16_t i = 0; i < batch; ++i) {
      if (!pop_one(state, queue, chain)) return;
      queue.push_used(chain.head, 0);
    }
    auto empty = queue.pop(chain);  // the pop that ends the drain
    if (!empty.ok() || *empty) {
      state.SkipWithError("ring not empty after the batch");
      return;
    }
    interrupts += queue.publish_used();
    queue.enable_notifications();
    benchmark::DoNotOptimize(queue.has_available());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * batch);
  state.counters["interrupts"] =
      benchmark::Counter(static_cast<double>(interrupts), benchmark::Counter::kAvgIterations);
}
BENCHMARK_TEMPLATE(BM_DeviceTurn, kNoFeatures)->ArgName("batch")->Arg(1)->Arg(16)->Arg(64);
BENCHMARK_TEMPLATE(BM_DeviceTurn, kFeatureEventIdx)->ArgName("batch")->Arg(1)->Arg(16)->Arg(64);

}  // namespace

BENCHMARK_MAIN();
