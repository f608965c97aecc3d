// The subtraction method on the recorded runs of 2026-12-07 (kvm_pvm,
// `vmm-bench exits --iterations 200`): every figure was about -12.4 VMM
// exits per call. The cause: the base run was `netbench -n 0` with no -p,
// so it ran (and printed a line for) all 26 phases, where each measured run
// ran one; the console costs two VMM exits a character (an LSR read and a
// THR write; the capture's run: 1243 characters, 1243 + 1244 exits), a line
// ends in "\r\n". The capture holds exits.json only, not the runs' own
// --stats-json (<path>.n0.stats.json, <path>.p<ID>.stats.json), so the
// check is on the figures: the base's extra console exits explain them.
#include "bench/exits/method_agreement.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "abi/netbench.h"
#include "tests/unit/bench/capture_fixtures.h"

namespace vmm::bench {
namespace {

size_t phase_line(const char* name, uint64_t calls, double us) {
  char text[160];
  return static_cast<size_t>(std::snprintf(text, sizeof text, "netbench: %s: %lu calls, %.3f us per call\r\n", name,
                                           static_cast<unsigned long>(calls), us));
}

// The console exits the -n 0 base printed beyond the one-phase run.
double base_console_excess(uint16_t phase, uint64_t calls, double us) {
  size_t base = 0;
  for (const auto& p : platform::kNetbenchPhases) base += phase_line(p.name, 0, 0);
  base += std::snprintf(nullptr, 0, "-n 0");
  size_t full = phase_line(platform::netbench_phase(phase)->name, calls, us) +
                std::snprintf(nullptr, 0, "-n %lu -p %u", static_cast<unsigned long>(calls), phase) + 2;
  return 2.0 * (static_cast<double>(base) - static_cast<double>(full));
}

TEST(Subtraction, RecordedFiguresAreTheBaseRunsExtraConsoleOutput) {
  auto doc = nlohmann::json::parse(fixtures::gunzip_file("vmm-bench-2026-12-07-exits.json.gz"));
  uint64_t calls = doc["iterations"].get<uint64_t>();
  size_t checked = 0;
  for (const auto& r : doc["results"]) {
    if (r["subtraction_vmm_exits"].is_null()) continue;
    const platform::NetbenchPhaseInfo* phase = nullptr;
    for (const auto& p : platform::kNetbenchPhases)
      if (r["call"] == p.name) phase = &p;
    ASSERT_NE(phase, nullptr);
    double marks = r["vmm_exits_all"].get<double>(), recorded = r["subtraction_vmm_exits"].get<double>();
    if (method_agreement(phase->id, marks, recorded).rfind("differ", 0) == 0 && r["path"] != "shmem") continue;
    // Every recorded figure the method should match is far off...
    EXPECT_FALSE(methods_agree(marks, recorded)) << r["call"] << " " << r["path"];
    // ... and agrees once the base's extra console exits are put back.
    double corrected = recorded + base_console_excess(phase->id, calls, r["mean_latency_us"].get<double>()) /
                                      static_cast<double>(calls);
    EXPECT_TRUE(methods_agree(marks, corrected)) << r["call"] << " " << r["path"] << ": " << corrected << " vs " << marks;
    ++checked;
  }
  EXPECT_GE(checked, 25u + 5u + 5u);
}

TEST(Subtraction, AgreementIsWithinFiveHundredthsAndFivePercent) {
  EXPECT_TRUE(methods_agree(0.0, 0.05));
  EXPECT_FALSE(methods_agree(0.0, 0.06));
  EXPECT_TRUE(methods_agree(10.0, 10.54));
  EXPECT_FALSE(methods_agree(10.0, 10.56));
  EXPECT_EQ(method_agreement(platform::kPhasePoll, 0.0, 0.01), "agree");
  EXPECT_EQ(method_agreement(platform::kPhasePoll, 0.0, -12.45), "DISAGREE by -12.45");
  EXPECT_EQ(method_agreement(platform::kPhaseRecvUdp64, 0.0, 2.0).rfind("differ by 2.00: each datagram", 0), 0u);
  EXPECT_EQ(method_agreement(platform::kPhasePoll, 0.0, std::nullopt), "");
}

}  // namespace
}  // namespace vmm::bench
