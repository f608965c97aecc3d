#include <gtest/gtest.h>
#include "hv/kvm/kvm_uapi.h"

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vmm/stats/vm_stats.h"
#include "vmm/vcpu/exit_dispatch.h"

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
      counters.count_pio("uart", Direction::kWrite);
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
  EXPECT_EQ(v1["vmm"]["io"][0]["region"], "uart");
  EXPECT_EQ(v1["vmm"]["io"][0]["direction"], "out");
  EXPECT_EQ(v1["vmm"]["io"][0]["count"], 5);
  EXPECT_EQ(v1["vmm"]["mmio"][0]["region"], "unmapped");
  EXPECT_EQ(doc["exit_status"], 0);
}

TEST(StatsJson, MarksCarryWhoMarkedAndEveryVcpusCountersAtThatMoment) {
  VmStats stats = sample();
  stats.marks.append({0x10001, 1, 42, stats.vcpus, {{"virtio-net0", "", {}, {{"notifications", 9}}}}});
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

class SilentPorts : public BusDevice {
 public:
  void read(const BusAccess&, std::span<uint8_t> data) override { std::fill(data.begin(), data.end(), 0); }
  void write(const BusAccess&, std::span<const uint8_t>) override {}
};

// Every port read once through the exit handler, as a scanning guest does.
ExitCounts every_port_read_once() {
  Bus pio("pio"), mmio("mmio");
  auto device = std::make_shared<SilentPorts>();
  EXPECT_TRUE(pio.insert(0x3f8, 8, "uart", device).ok());
  EXPECT_TRUE(pio.insert(0x501, 2, "debug-exit", device).ok());
  VcpuExitCounters counters;
  UnmappedAccessLog unmapped;
  ExitContext context{pio, mmio, counters, unmapped, 0};
  alignas(8) std::array<uint8_t, 8192> area{};
  auto& run = *reinterpret_cast<kvm_run*>(area.data());
  for (uint32_t port = 0; port <= 0xffff; ++port) {
    run.exit_reason = KVM_EXIT_IO;
    run.io = {KVM_EXIT_IO_IN, 1, static_cast<uint16_t>(port), 1, 4096};
    EXPECT_EQ(handle_exit(run, area.size(), context).action, ExitAction::kContinue);
  }
  return counters.snapshot();
}

// Issue 15: the JSON keeps per-device counts and one unmapped line, in the
// VM's totals and in every mark, however many ports the guest touched.
TEST(StatsJson, PortIoIsCountedPerDeviceRegionWithOneUnmappedBucket) {
  VmStats stats;
  stats.vcpus.push_back({0, every_port_read_once(), {{"exits", 1}}, {}});
  stats.marks.append({1, 0, 5, stats.vcpus, {}});
  auto doc = nlohmann::json::parse(stats_to_json(stats));
  for (const nlohmann::json* vcpu : {&doc["vcpus"][0], &doc["marks"][0]["vcpus"][0]}) {
    std::map<std::string, uint64_t> in;
    for (const auto& io : (*vcpu)["vmm"]["io"]) {
      EXPECT_EQ(io["direction"], "in");
      in[io["region"].get<std::string>()] = io["count"].get<uint64_t>();
    }
    EXPECT_EQ(in, (std::map<std::string, uint64_t>{{"uart", 8}, {"debug-exit", 2}, {"unmapped", 0x10000 - 10}}));
  }
}

TEST(StatsTable, NamesBothSources) {
  std::ostringstream out;
  print_stats_table(sample(), out);
  std::string text = out.str();
  EXPECT_NE(text.find("KVM_GET_STATS_FD"), std::string::npos);
  EXPECT_NE(text.find("uart"), std::string::npos);
  EXPECT_NE(text.find("IO 5"), std::string::npos);
  EXPECT_NE(text.find("101"), std::string::npos);
}

}  // namespace
}  // namespace vmm
