// The benchmark marks' record (vmm/stats/mark_record.h): what goes in comes
// out, names are stored once, and the byte bound holds.
#include "vmm/stats/mark_record.h"

#include <gtest/gtest.h>

#include <string>

#include "hv/kvm/kvm_uapi.h"

namespace vmm {
namespace {

PhaseMark two_vcpu_mark(uint32_t phase, uint64_t n, const std::string& kvm_prefix = "stat") {
  PhaseMark mark{phase, 1, 1000 + n, {}, {}};
  for (uint32_t id = 0; id < 2; ++id) {
    VcpuStats vcpu{id, {}, {}, {}};
    vcpu.vmm.total = n + id;
    vcpu.vmm.by_reason = {{KVM_EXIT_IO, n}, {KVM_EXIT_MMIO, 2 * n}};
    vcpu.vmm.pio = {{RegionKey{"uart", Direction::kWrite}, n}, {RegionKey{"unmapped", Direction::kRead}, 3 * n}};
    vcpu.vmm.mmio = {{RegionKey{"virtio-net0", Direction::kRead}, 4 * n}};
    if (id == 0)
      for (int i = 0; i < 40; ++i) vcpu.kvm.push_back({kvm_prefix + std::to_string(i), n + i});
    else
      vcpu.kvm_error = "KVM_GET_STATS_FD: not supported";
    mark.vcpus.push_back(vcpu);
  }
  mark.devices.push_back({"virtio-net0", "", {}, {{"notifications", n}, {"tx_frames", 5 * n}}});
  mark.devices.push_back({"shmem0", "", {}, {}});
  return mark;
}

TEST(MarkRecord, AMarkComesOutAsItWentIn) {
  MarkRecord record;
  ASSERT_TRUE(record.append(two_vcpu_mark(0x10001, 7)));
  PhaseMark mark = record.at(0);
  EXPECT_EQ(mark.phase, 0x10001u);
  EXPECT_EQ(mark.vcpu, 1u);
  EXPECT_EQ(mark.host_time_ns, 1007u);
  ASSERT_EQ(mark.vcpus.size(), 2u);
  const VcpuStats& v0 = mark.vcpus[0];
  EXPECT_EQ(v0.vmm.total, 7u);
  EXPECT_EQ(v0.vmm.by_reason.at(KVM_EXIT_MMIO), 14u);
  EXPECT_EQ((v0.vmm.pio.at(RegionKey{"unmapped", Direction::kRead})), 21u);
  EXPECT_EQ((v0.vmm.mmio.at(RegionKey{"virtio-net0", Direction::kRead})), 28u);
  ASSERT_EQ(v0.kvm.size(), 40u);
  EXPECT_EQ(v0.kvm[39].name, "stat39");
  EXPECT_EQ(v0.kvm[39].value, 46u);
  EXPECT_FALSE(v0.kvm_error);
  EXPECT_TRUE(mark.vcpus[1].kvm.empty());
  EXPECT_EQ(mark.vcpus[1].kvm_error, "KVM_GET_STATS_FD: not supported");
  ASSERT_EQ(mark.devices.size(), 2u);
  EXPECT_EQ(mark.devices[0].name, "virtio-net0");
  EXPECT_EQ(mark.devices[0].counters.at(1).first, "tx_frames");
  EXPECT_EQ(mark.devices[0].counters.at(1).second, 35u);
  EXPECT_TRUE(mark.devices[1].counters.empty());
}

// KVM's counter names are stored once: a mark with 40 names of 100
// characters costs what one with 40 short names costs.
TEST(MarkRecord, NamesAreStoredOnceNotPerMark) {
  MarkRecord short_names, long_names;
  const std::string long_prefix(100, 'k');
  for (uint32_t i = 0; i < 100; ++i) {
    ASSERT_TRUE(short_names.append(two_vcpu_mark(i, i)));
    ASSERT_TRUE(long_names.append(two_vcpu_mark(i, i, long_prefix)));
  }
  size_t short_first = short_names.bytes(), long_first = long_names.bytes();
  for (uint32_t i = 0; i < 1000; ++i) {
    ASSERT_TRUE(short_names.append(two_vcpu_mark(i, i)));
    ASSERT_TRUE(long_names.append(two_vcpu_mark(i, i, long_prefix)));
  }
  EXPECT_EQ(long_names.bytes() - long_first, short_names.bytes() - short_first);
  // And a mark is its words: here well under 1 KiB.
  EXPECT_LT((short_names.bytes() - short_first) / 1000, 1024u);
}

TEST(MarkRecord, TheByteBoundHoldsAndLaterMarksAreCountedAsDropped) {
  MarkRecord record(MarkLimits{64 << 10, 1 << 20});
  uint32_t appended = 0;
  for (uint32_t i = 0; i < 1000; ++i) appended += record.append(two_vcpu_mark(i, i));
  EXPECT_GT(appended, 10u);
  EXPECT_LT(appended, 1000u);
  EXPECT_EQ(record.size(), appended);
  EXPECT_EQ(record.dropped(), 1000u - appended);
  EXPECT_LE(record.bytes(), 64u << 10);
  EXPECT_TRUE(record.closed());
  EXPECT_EQ(record.at(appended - 1).phase, appended - 1);  // a prefix, in order
}

}  // namespace
}  // namespace vmm
