#include "devices/bench_marker.h"

#include <gtest/gtest.h>

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
  auto marks = marker.marks();
  ASSERT_EQ(marks.size(), 2u);
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
  EXPECT_EQ(marker.marks().at(0).phase, 9u);
  uint8_t readback[4] = {1, 1, 1, 1};
  marker.read({0, 0}, readback);
  EXPECT_EQ(readback[0], 0);
}

// A hostile guest writing the port in a loop must not grow VMM memory
// without bound: the record stops at its limit and counts the rest.
TEST(BenchMarker, MarksBeyondTheLimitAreCountedNotKept) {
  int snapshots = 0;
  BenchMarker marker([&] { ++snapshots; return CounterSnapshot{}; }, 3);
  for (uint32_t phase = 0; phase < 10; ++phase)
    marker.write({0, 0}, std::span(reinterpret_cast<const uint8_t*>(&phase), 4));
  ASSERT_EQ(marker.marks().size(), 3u);
  EXPECT_EQ(marker.marks().back().phase, 2u);
  EXPECT_EQ(marker.dropped(), 7u);
  EXPECT_EQ(snapshots, 3);  // no snapshot is taken for a mark that is dropped
}

}  // namespace
}  // namespace vmm
