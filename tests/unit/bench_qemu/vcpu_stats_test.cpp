#include <gtest/gtest.h>

#include "bench/qemu/vcpu_stats.h"

namespace vmm::bench {
namespace {

// The shape of QEMU 7.2's query-stats / query-stats-schemas replies
// (qapi/stats.json) for two vCPUs, with KVM's x86 vCPU statistic names.
// Not a capture from KVM: /dev/kvm was missing on the machine where this
// was written (QEMU with TCG answers both with []), so the values are
// made up, a subset of the statistics is listed, and "peak_example" is
// invented to stand for a statistic of type "peak".
constexpr const char* kStatsReply = R"([
  {"provider": "kvm", "qom-path": "/machine/unattached/device[0]", "stats": [
    {"name": "exits", "value": 1476}, {"name": "io_exits", "value": 1152},
    {"name": "mmio_exits", "value": 12}, {"name": "halt_exits", "value": 0},
    {"name": "irq_exits", "value": 3}, {"name": "signal_exits", "value": 0},
    {"name": "insn_emulation", "value": 250}, {"name": "blocking", "value": 0},
    {"name": "halt_wait_ns", "value": 18446744073709551000},
    {"name": "halt_wait_hist", "value": [0, 1, 2, 0]},
    {"name": "peak_example", "value": 7}]},
  {"provider": "kvm", "qom-path": "/machine/unattached/device[1]", "stats": [
    {"name": "exits", "value": 51}, {"name": "io_exits", "value": 46},
    {"name": "mmio_exits", "value": 0}, {"name": "halt_exits", "value": 1},
    {"name": "irq_exits", "value": 0}, {"name": "signal_exits", "value": 1},
    {"name": "insn_emulation", "value": 9}, {"name": "blocking", "value": 1},
    {"name": "halt_wait_ns", "value": 500},
    {"name": "halt_wait_hist", "value": [0, 0, 0, 1]},
    {"name": "peak_example", "value": 9}]}
])";

constexpr const char* kSchemasReply = R"([
  {"provider": "kvm", "target": "vm", "stats": [
    {"name": "max_mmu_page_hash_collisions", "type": "peak", "exponent": 0}]},
  {"provider": "kvm", "target": "vcpu", "stats": [
    {"name": "exits", "type": "cumulative", "exponent": 0},
    {"name": "io_exits", "type": "cumulative", "exponent": 0},
    {"name": "mmio_exits", "type": "cumulative", "exponent": 0},
    {"name": "halt_exits", "type": "cumulative", "exponent": 0},
    {"name": "irq_exits", "type": "cumulative", "exponent": 0},
    {"name": "signal_exits", "type": "cumulative", "exponent": 0},
    {"name": "insn_emulation", "type": "cumulative", "exponent": 0},
    {"name": "blocking", "type": "instant", "exponent": 0},
    {"name": "halt_wait_ns", "type": "cumulative", "unit": "seconds", "base": 10, "exponent": -9},
    {"name": "halt_wait_hist", "type": "log2-histogram", "unit": "seconds", "base": 10,
     "exponent": -9},
    {"name": "peak_example", "type": "peak", "exponent": 0}]}
])";

nlohmann::json parse(const char* text) { return nlohmann::json::parse(text); }

TEST(VcpuStats, SchemasGiveCumulativeAndInstantVcpuNamesOnly) {
  auto names = summable_vcpu_stat_names(parse(kSchemasReply));
  ASSERT_TRUE(names) << names.error().message;
  EXPECT_TRUE(names->contains("exits"));
  EXPECT_TRUE(names->contains("blocking"));
  EXPECT_TRUE(names->contains("halt_wait_ns"));
  EXPECT_FALSE(names->contains("halt_wait_hist"));
  EXPECT_FALSE(names->contains("peak_example"));
  EXPECT_FALSE(names->contains("max_mmu_page_hash_collisions"));  // target vm
  EXPECT_EQ(names->size(), 9u);
}

TEST(VcpuStats, SumsEachScalarOverVcpus) {
  auto names = summable_vcpu_stat_names(parse(kSchemasReply));
  ASSERT_TRUE(names);
  auto sum = sum_vcpu_stats(parse(kStatsReply), &*names);
  ASSERT_TRUE(sum) << sum.error().message;
  EXPECT_EQ(sum->vcpus, 2);
  const std::map<std::string, uint64_t> expected = {
      {"exits", 1527},     {"io_exits", 1198},     {"mmio_exits", 12},
      {"halt_exits", 1},   {"irq_exits", 3},       {"signal_exits", 1},
      {"insn_emulation", 259}, {"blocking", 1},
      {"halt_wait_ns", 18446744073709551500ull}};
  EXPECT_EQ(sum->totals, expected);
}

TEST(VcpuStats, WithoutSchemasEveryScalarIsSummedButNoHistogram) {
  auto sum = sum_vcpu_stats(parse(kStatsReply));
  ASSERT_TRUE(sum) << sum.error().message;
  EXPECT_EQ(sum->totals.at("peak_example"), 16u);
  EXPECT_FALSE(sum->totals.contains("halt_wait_hist"));
}

// What QEMU 7.2 answers under TCG (captured): no statistics at all.
TEST(VcpuStats, EmptyRepliesAreErrors) {
  auto sum = sum_vcpu_stats(parse("[]"));
  ASSERT_FALSE(sum);
  EXPECT_NE(sum.error().message.find("no KVM vCPU statistics"), std::string::npos);
  auto names = summable_vcpu_stat_names(parse("[]"));
  ASSERT_FALSE(names);
  EXPECT_NE(names.error().message.find("no vCPU statistics"), std::string::npos);
}

TEST(VcpuStats, MalformedRepliesAreErrors) {
  EXPECT_FALSE(sum_vcpu_stats(parse(R"({"exits": 1})")));
  EXPECT_FALSE(sum_vcpu_stats(parse(R"([{"provider": "kvm"}])")));
  EXPECT_FALSE(sum_vcpu_stats(parse(R"([{"provider": "kvm", "stats": [{"value": 1}]}])")));
  auto negative = sum_vcpu_stats(parse(R"([{"provider": "kvm", "stats": [{"name": "exits", "value": -1}]}])"));
  ASSERT_FALSE(negative);
  EXPECT_NE(negative.error().message.find("'exits' is not a uint64"), std::string::npos);
  EXPECT_FALSE(summable_vcpu_stat_names(parse(R"({"provider": "kvm"})")));
}

}  // namespace
}  // namespace vmm::bench
