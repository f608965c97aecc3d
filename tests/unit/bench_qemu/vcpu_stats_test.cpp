#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "bench/qemu/vcpu_stats.h"

namespace vmm::bench {
namespace {

// QMP replies of QEMU 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18) on a kvm_pvm
// host, two vCPUs, a guest.elf run of 3 s (captured 2026-12-07; the file
// holds the greeting and each command's reply by command).
nlohmann::json captured_qmp() {
  std::ifstream in(std::string(VMM_BENCH_QEMU_FIXTURES) + "/qemu-7.2-query-stats-kvm_pvm.json");
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

const nlohmann::json& stats_reply() {
  static const nlohmann::json reply = captured_qmp()["query-stats vcpu"]["return"];
  return reply;
}

const nlohmann::json& schemas_reply() {
  static const nlohmann::json reply = captured_qmp()["query-stats-schemas"]["return"];
  return reply;
}

nlohmann::json parse(const char* text) { return nlohmann::json::parse(text); }

TEST(VcpuStats, CapturedReplyHoldsBooleansAndHistograms) {
  // What made QEMU's column empty: `guest_mode` is a boolean.
  bool boolean_seen = false, histogram_seen = false;
  for (const auto& stat : stats_reply()[0]["stats"]) {
    boolean_seen |= stat["value"].is_boolean();
    histogram_seen |= stat["value"].is_array();
  }
  EXPECT_TRUE(boolean_seen);
  EXPECT_TRUE(histogram_seen);
}

TEST(VcpuStats, SchemasGiveCumulativeAndInstantVcpuNumbersOnly) {
  auto names = summable_vcpu_stat_names(schemas_reply());
  ASSERT_TRUE(names) << names.error().message;
  EXPECT_TRUE(names->contains("exits"));
  EXPECT_TRUE(names->contains("insn_emulation"));
  EXPECT_TRUE(names->contains("halt_wait_ns"));
  EXPECT_FALSE(names->contains("guest_mode"));      // instant, but a boolean
  EXPECT_FALSE(names->contains("blocking"));        // the same
  EXPECT_FALSE(names->contains("halt_wait_hist"));  // log2-histogram
  EXPECT_FALSE(names->contains("pages_4k"));        // target vm
  EXPECT_EQ(names->size(), 47u - 2 - 3);            // 47 vCPU statistics
}

TEST(VcpuStats, SchemasKeepTypeUnitAndScale) {
  auto schemas = vcpu_stat_schemas(schemas_reply());
  ASSERT_TRUE(schemas) << schemas.error().message;
  EXPECT_EQ(schemas->at("guest_mode").unit, "boolean");
  EXPECT_EQ(schemas->at("halt_wait_hist").type, "log2-histogram");
  EXPECT_EQ(schemas->at("halt_wait_hist").unit, "seconds");
  EXPECT_EQ(schemas->at("halt_wait_hist").exponent, -9);
  EXPECT_EQ(schemas->at("exits").type, "cumulative");
}

TEST(VcpuStats, SumsTheCapturedReplyOverBothVcpus) {
  auto names = summable_vcpu_stat_names(schemas_reply());
  ASSERT_TRUE(names);
  auto sum = sum_vcpu_stats(stats_reply(), &*names);
  ASSERT_TRUE(sum) << sum.error().message;
  EXPECT_EQ(sum->vcpus, 2);
  EXPECT_EQ(sum->totals.at("exits"), 2641u + 11662u);
  EXPECT_EQ(sum->totals.at("insn_emulation"), 880099u + 1340246u);
  EXPECT_EQ(sum->totals.at("insn_emulation_fail"), 1282u + 1285u);
  EXPECT_EQ(sum->totals.at("mmio_exits"), 299u);
  EXPECT_EQ(sum->totals.at("io_exits"), 0u);
  EXPECT_EQ(sum->totals.at("halt_exits"), 17u + 22u);
  EXPECT_EQ(sum->totals.at("pf_guest"), 417u + 416u);
  EXPECT_FALSE(sum->totals.contains("guest_mode"));
  EXPECT_EQ(sum->true_count.at("guest_mode"), 0);
  EXPECT_EQ(sum->true_count.at("blocking"), 0);
  EXPECT_TRUE(sum->signed_totals.empty());
}

TEST(VcpuStats, HistogramsAddBucketByBucket) {
  auto sum = sum_vcpu_stats(stats_reply());
  ASSERT_TRUE(sum) << sum.error().message;
  const auto& hist = sum->histograms.at("halt_wait_hist");
  ASSERT_EQ(hist.size(), 32u);
  EXPECT_EQ(hist[3], 1u);
  EXPECT_EQ(hist[4], 1u);
  EXPECT_EQ(hist[6], 17u);
  EXPECT_EQ(hist[11], 3u);
  uint64_t waits = 0;
  for (uint64_t b : hist) waits += b;
  EXPECT_EQ(waits, 39u);  // one per halt: halt_exits 17 + 22
  EXPECT_FALSE(sum->totals.contains("halt_wait_hist"));
}

TEST(VcpuStats, BooleansCountTheVcpusThatSayTrue) {
  auto sum = sum_vcpu_stats(parse(R"([
    {"provider": "kvm", "stats": [{"name": "blocking", "value": true}, {"name": "exits", "value": 1}]},
    {"provider": "kvm", "stats": [{"name": "blocking", "value": false}, {"name": "exits", "value": 2}]}])"));
  ASSERT_TRUE(sum) << sum.error().message;
  EXPECT_EQ(sum->true_count.at("blocking"), 1);
  EXPECT_EQ(sum->totals.at("exits"), 3u);
}

TEST(VcpuStats, NegativeIntegersAreSignedTotals) {
  auto sum = sum_vcpu_stats(parse(R"([{"provider": "kvm", "stats": [{"name": "drift", "value": -5}]},
                                      {"provider": "kvm", "stats": [{"name": "drift", "value": -2}]}])"));
  ASSERT_TRUE(sum) << sum.error().message;
  EXPECT_EQ(sum->signed_totals.at("drift"), -7);
  EXPECT_FALSE(sum->totals.contains("drift"));
}

TEST(VcpuStats, LinearHistogramsOfDifferentLengthsAdd) {
  auto sum = sum_vcpu_stats(parse(R"([{"provider": "kvm", "stats": [{"name": "h", "value": [1, 2]}]},
                                      {"provider": "kvm", "stats": [{"name": "h", "value": [1, 2, 3]}]}])"));
  ASSERT_TRUE(sum) << sum.error().message;
  EXPECT_EQ(sum->histograms.at("h"), (std::vector<uint64_t>{2, 4, 3}));
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
  auto text = sum_vcpu_stats(parse(R"([{"provider": "kvm", "stats": [{"name": "exits", "value": "1"}]}])"));
  ASSERT_FALSE(text);
  EXPECT_NE(text.error().message.find("'exits' is no uint64"), std::string::npos);
  EXPECT_FALSE(sum_vcpu_stats(parse(R"([{"provider": "kvm", "stats": [{"name": "x", "value": 1.5}]}])")));
  auto bucket = sum_vcpu_stats(parse(R"([{"provider": "kvm", "stats": [{"name": "h", "value": [1, -1]}]}])"));
  ASSERT_FALSE(bucket);
  EXPECT_NE(bucket.error().message.find("histogram 'h'"), std::string::npos);
  EXPECT_FALSE(summable_vcpu_stat_names(parse(R"({"provider": "kvm"})")));
}

}  // namespace
}  // namespace vmm::bench
