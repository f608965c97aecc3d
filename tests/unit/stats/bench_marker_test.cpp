#include "vmm/stats/bench_marker.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include "tests/unit/mock/kvm_vcpu_stats.h"
#include "hv/kvm/kvm_uapi.h"

namespace vmm {
namespace {

TEST(BenchMarker, EachWriteSnapshotsEveryVcpuAndRecordsWhoMarked) {
  int snapshots = 0;
  BenchMarker marker([&] {
    ++snapshots;
    CounterSnapshot snapshot;
    for (uint32_t id = 0; id < 2; ++id)
      snapshot.vcpus.push_back({id, {}, {{"exits", 100u * static_cast<uint64_t>(snapshots) + id}}, {}});
    snapshot.devices.push_back({"virtio-net0", "", {}, {{"notifications", 7u * static_cast<uint64_t>(snapshots)}}});
    return snapshot;
  });
  uint32_t start = 0x10001, end = 0x20001;
  marker.write({0, 1}, std::span(reinterpret_cast<const uint8_t*>(&start), 4));
  marker.write({0, 1}, std::span(reinterpret_cast<const uint8_t*>(&end), 4));
  MarkRecord record = marker.take_record();
  ASSERT_EQ(record.size(), 2u);
  std::vector<PhaseMark> marks = {record.at(0), record.at(1)};
  EXPECT_EQ(marks[0].phase, start);
  EXPECT_EQ(marks[1].phase, end);
  EXPECT_EQ(marks[1].vcpu, 1u);
  EXPECT_LE(marks[0].host_time_ns, marks[1].host_time_ns);
  ASSERT_EQ(marks[1].vcpus.size(), 2u);
  EXPECT_EQ(marks[1].vcpus[1].kvm[0].value, 201u);
  // The devices' counters at the same moment: ioeventfd kicks show there.
  ASSERT_EQ(marks[1].devices.size(), 1u);
  EXPECT_EQ(marks[1].devices[0].name, "virtio-net0");
  EXPECT_EQ(marks[1].devices[0].counters.at(0).second, 14u);
}

TEST(BenchMarker, NarrowWritesAreZeroExtended) {
  BenchMarker marker([] { return CounterSnapshot{}; });
  uint8_t phase = 9;
  marker.write({0, 0}, std::span(&phase, 1));
  EXPECT_EQ(marker.mark(0).phase, 9u);
  uint8_t readback[4] = {1, 1, 1, 1};
  marker.read({0, 0}, readback);
  EXPECT_EQ(readback[0], 0);
}

// A hostile guest writing the port in a loop must not grow VMM memory
// without bound: the record stops at its limit and counts the rest.
TEST(BenchMarker, MarksBeyondTheLimitAreCountedNotKept) {
  int snapshots = 0;
  BenchMarker marker([&] { ++snapshots; return CounterSnapshot{}; }, MarkLimits{MarkLimits::kDefaultMaxBytes, 3});
  for (uint32_t phase = 0; phase < 10; ++phase)
    marker.write({0, 0}, std::span(reinterpret_cast<const uint8_t*>(&phase), 4));
  ASSERT_EQ(marker.size(), 3u);
  EXPECT_EQ(marker.mark(2).phase, 2u);
  EXPECT_EQ(marker.dropped(), 7u);
  EXPECT_EQ(snapshots, 3);  // no snapshot is taken for a mark that is dropped
}

}  // namespace
}  // namespace vmm

namespace vmm {
namespace {

// What the C library's allocator holds for the program right now.
size_t marker_test_heap_bytes() { return mallinfo2().uordblks; }

// What a mark snapshots on a 1-vCPU VM: the VMM's counters (by device
// region) and KVM's 42 counters, and one device's.
CounterSnapshot realistic_snapshot(uint64_t n) {
  ExitCounts vmm{n, {{KVM_EXIT_IO, n}, {KVM_EXIT_MMIO, n}, {KVM_EXIT_HLT, n}}, {}, {}};
  for (const char* region : {"uart", "bench-marker", "debug-exit", "unmapped"})
    for (Direction d : {Direction::kRead, Direction::kWrite}) vmm.pio[RegionKey{region, d}] = n;
  for (Direction d : {Direction::kRead, Direction::kWrite}) vmm.mmio[RegionKey{"virtio-net0", d}] = n;
  CounterSnapshot snapshot;
  snapshot.vcpus.push_back({0, vmm, testing::x86_kvm_vcpu_stats(n), {}});
  snapshot.devices.push_back({"virtio-net0", "", {}, {{"notifications", n}, {"tx_frames", n}, {"rx_frames", n}}});
  return snapshot;
}

// Issue 15: 70,000 marks, past the record's byte bound. The record keeps
// the first ones, counts the rest, and the heap holds no more than the
// bound (with every snapshot's KVM counter names, the old record grew
// past 200 MiB here).
TEST(BenchMarker, SeventyThousandMarksStayWithinTheByteBoundAndTheRestAreCounted) {
  constexpr uint32_t kWrites = 70000;
  size_t before = marker_test_heap_bytes();
  uint64_t n = 0;
  BenchMarker marker([&] { return realistic_snapshot(++n); });
  for (uint32_t phase = 0; phase < kWrites; ++phase)
    marker.write({0, 0}, std::span(reinterpret_cast<const uint8_t*>(&phase), 4));
  size_t growth = marker_test_heap_bytes() - before;
  EXPECT_LE(growth, MarkLimits::kDefaultMaxBytes + (64 << 10));
  EXPECT_GT(marker.dropped(), 0u);
  EXPECT_EQ(marker.size() + marker.dropped(), kWrites);
  // The marks kept are the first ones, intact.
  PhaseMark last = marker.mark(marker.size() - 1);
  EXPECT_EQ(last.phase, marker.size() - 1);
  EXPECT_EQ(last.vcpus.at(0).kvm.at(17).name, "exits");
  EXPECT_EQ(last.vcpus.at(0).kvm.at(17).value, marker.size() + 17);
}

}  // namespace
}  // namespace vmm
