#include <gtest/gtest.h>
#include "vmm/kvm/kvm_uapi.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "vmm/stats/vm_stats.h"

namespace vmm {
namespace {

VmStats sample() {
  VmStats stats;
  stats.exit_status = 0;
  stats.stop_reason = "vcpu 0: guest powered off";
  for (uint32_t id = 0; id < 2; ++id) {
    VcpuExitCounters counters;
    for (int i = 0; i < 5; ++i) {
      counters.count_exit(KVM_EXIT_IO);
      counters.count_pio(0x3f8, Direction::kWrite);
    }
    counters.count_exit(KVM_EXIT_MMIO);
    counters.count_mmio("unmapped", Direction::kRead);
    stats.vcpus.push_back({id, counters.snapshot(), {{"exits", 100 + id}, {"io_exits", 5}}, {}});
  }
  return stats;
}

TEST(StatsJson, OneObjectPerVcpuWithKvmAndVmmApart) {
  auto doc = nlohmann::json::parse(stats_to_json(sample()));
  ASSERT_EQ(doc["vcpus"].size(), 2u);
  const auto& v1 = doc["vcpus"][1];
  EXPECT_EQ(v1["id"], 1);
  EXPECT_EQ(v1["kvm"]["exits"], 101);
  EXPECT_EQ(v1["vmm"]["total"], 6);
  EXPECT_EQ(v1["vmm"]["by_reason"]["IO"], 5);
  EXPECT_EQ(v1["vmm"]["by_reason"]["MMIO"], 1);
  EXPECT_EQ(v1["vmm"]["io"][0]["port"], 0x3f8);
  EXPECT_EQ(v1["vmm"]["io"][0]["direction"], "out");
  EXPECT_EQ(v1["vmm"]["io"][0]["count"], 5);
  EXPECT_EQ(v1["vmm"]["mmio"][0]["region"], "unmapped");
  EXPECT_EQ(doc["exit_status"], 0);
}

TEST(StatsJson, MarksCarryWhoMarkedAndEveryVcpusCountersAtThatMoment) {
  VmStats stats = sample();
  stats.marks.push_back({0x10001, 1, 42, stats.vcpus, {{"virtio-net0", "", {}, {{"notifications", 9}}}}});
  stats.marks_dropped = 3;
  auto doc = nlohmann::json::parse(stats_to_json(stats));
  ASSERT_EQ(doc["marks"].size(), 1u);
  const auto& mark = doc["marks"][0];
  EXPECT_EQ(mark["phase"], 0x10001);
  EXPECT_EQ(mark["vcpu"], 1);
  EXPECT_EQ(mark["host_time_ns"], 42);
  ASSERT_EQ(mark["vcpus"].size(), 2u);
  EXPECT_EQ(mark["vcpus"][1]["kvm"]["exits"], 101);
  EXPECT_EQ(mark["vcpus"][1]["vmm"]["by_reason"]["IO"], 5);
  ASSERT_EQ(mark["devices"].size(), 1u);
  EXPECT_EQ(mark["devices"][0]["name"], "virtio-net0");
  EXPECT_EQ(mark["devices"][0]["counters"]["notifications"], 9);
  EXPECT_EQ(doc["marks_dropped"], 3);
}

TEST(StatsTable, NamesBothSources) {
  std::ostringstream out;
  print_stats_table(sample(), out);
  std::string text = out.str();
  EXPECT_NE(text.find("KVM_GET_STATS_FD"), std::string::npos);
  EXPECT_NE(text.find("port 0x3f8"), std::string::npos);
  EXPECT_NE(text.find("IO 5"), std::string::npos);
  EXPECT_NE(text.find("101"), std::string::npos);
}

}  // namespace
}  // namespace vmm
