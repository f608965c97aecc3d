// From recorded benchmark marks to exits per call: intervals are paired and
// summed, the closing marker's own exit is taken out, ioeventfd kicks come
// from the device's notifications, the idle twin gives the background rate,
// and the cost of a pair of marks comes out of every latency.
#include "bench/exits/phase_analysis.h"

#include <gtest/gtest.h>

#include "abi/netbench.h"
#include "abi/platform.h"

namespace vmm::bench {
namespace {

using nlohmann::json;
using namespace platform;

// Cumulative counters of a pretend VM with one vCPU; each mark records them.
struct Recorder {
  uint64_t vmm = 0, marker_writes = 0, mmio_notify = 0, kvm_exits = 0, halts = 0, notifications = 0;
  uint64_t time_ns = 1'000'000;
  json marks = json::array();

  // The guest writes the marker: the VMM counts that exit before it
  // snapshots (vmm/stats/bench_marker.h), and so does KVM.
  void mark(uint32_t value) {
    ++vmm, ++marker_writes, ++kvm_exits;
    json vcpu = {{"id", 0},
                 {"vmm", {{"total", vmm},
                          {"by_reason", {{"IO", marker_writes}, {"MMIO", mmio_notify}}},
                          {"io", json::array({{{"region", "bench-marker"}, {"direction", "out"}, {"count", marker_writes}}})},
                          {"mmio", json::array({{{"region", "virtio-net0"}, {"direction", "write"}, {"count", mmio_notify}}})}}},
                 {"kvm", {{"exits", kvm_exits}, {"halt_exits", halts}, {"irq_exits", 0}, {"irq_window_exits", 0}}}};
    marks.push_back({{"phase", value},
                     {"vcpu", 0},
                     {"host_time_ns", time_ns},
                     {"vcpus", json::array({vcpu})},
                     {"devices", json::array({{{"name", "virtio-net0"}, {"counters", {{"notifications", notifications}}}}})}});
  }
  void start(uint16_t id) { mark(kBenchMarkStart | id); }
  void end(uint16_t id) { mark(kBenchMarkEnd | id); }
  void mmio_kick() { ++vmm, ++mmio_notify, ++kvm_exits, ++notifications; }
  void ioeventfd_kick() { ++kvm_exits, ++notifications; }  // handled in KVM
  json document(uint64_t dropped = 0) const { return {{"marks", marks}, {"marks_dropped", dropped}}; }
};

const CallResult& result_for(const RunAnalysis& run, const std::string& call) {
  for (const auto& r : run.results)
    if (r.call == call) return r;
  static CallResult none;
  ADD_FAILURE() << "no result for " << call;
  return none;
}

double kind(const CallResult& r, const std::string& name) {
  for (const auto& [k, v] : r.by_kind)
    if (k == name) return v;
  return -1;
}

// Four calls of "send udp 64B" in two intervals of two, each kicking the
// device once through an MMIO exit; two empty intervals first.
Recorder four_sends(bool ioeventfd) {
  Recorder rec;
  for (int i = 0; i < 2; ++i) {
    rec.start(kPhaseMarkOnly);
    rec.time_ns += 10'000;
    rec.end(kPhaseMarkOnly);
  }
  for (int interval = 0; interval < 2; ++interval) {
    rec.start(kPhaseSendUdp64);
    for (int call = 0; call < 2; ++call) ioeventfd ? rec.ioeventfd_kick() : rec.mmio_kick();
    rec.time_ns += 10'000 + 2 * 5'000;  // the marks' 10 us, two calls of 5 us
    rec.end(kPhaseSendUdp64);
  }
  rec.start(kPhaseSendUdp64 | kNetbenchIdleFlag);
  rec.vmm += 3, rec.kvm_exits += 3, rec.halts += 3;  // HLT exits while idle
  rec.time_ns += 30'000;
  rec.end(kPhaseSendUdp64 | kNetbenchIdleFlag);
  return rec;
}

TEST(PhaseAnalysis, EmptyIntervalsCountNoExitOnceTheMarkersOwnIsTakenOut) {
  auto run = analyse_marks(four_sends(false).document(), "virtio-noioeventfd", 4);
  ASSERT_TRUE(run) << run.error().message;
  const CallResult& r = result_for(*run, "(marks only)");
  EXPECT_EQ(r.vmm_exits_all, 0.0);
  EXPECT_EQ(*r.kvm_exits_all, 0.0);
  EXPECT_EQ(kind(r, "pio:bench-marker"), 0.0);
  EXPECT_DOUBLE_EQ(run->mark_pair_us, 10.0);
}

TEST(PhaseAnalysis, MmioKicksAreUserSpaceExitsOfTheDevice) {
  auto run = analyse_marks(four_sends(false).document(), "virtio-noioeventfd", 4);
  ASSERT_TRUE(run) << run.error().message;
  const CallResult& r = result_for(*run, "send udp 64B");
  EXPECT_EQ(r.calls, 4u);
  EXPECT_DOUBLE_EQ(r.vmm_exits_all, 1.0);
  EXPECT_DOUBLE_EQ(r.vmm_exits_caller, 1.0);
  EXPECT_DOUBLE_EQ(*r.kvm_exits_all, 1.0);
  EXPECT_DOUBLE_EQ(kind(r, "mmio:virtio-net0"), 1.0);
  EXPECT_EQ(kind(r, "ioeventfd:virtio-net0"), -1) << "no ioeventfd on this path";
  EXPECT_DOUBLE_EQ(kind(r, "other"), 0.0);
}

TEST(PhaseAnalysis, IoeventfdKicksReachNoVmmCounterButShowAsTheirOwnKind) {
  auto run = analyse_marks(four_sends(true).document(), "virtio", 4);
  ASSERT_TRUE(run) << run.error().message;
  const CallResult& r = result_for(*run, "send udp 64B");
  EXPECT_EQ(r.vmm_exits_all, 0.0);
  EXPECT_DOUBLE_EQ(*r.kvm_exits_all, 1.0);
  EXPECT_DOUBLE_EQ(kind(r, "ioeventfd:virtio-net0"), 1.0);
  EXPECT_DOUBLE_EQ(kind(r, "other"), 0.0);
}

TEST(PhaseAnalysis, IdleTwinGivesTheBackgroundRateAndMarksCostLeavesTheLatency) {
  auto run = analyse_marks(four_sends(false).document(), "virtio-noioeventfd", 4);
  ASSERT_TRUE(run) << run.error().message;
  const CallResult& r = result_for(*run, "send udp 64B");
  // 3 exits (the closing marker's taken out: 3) in 30 us.
  EXPECT_DOUBLE_EQ(r.idle_vmm_exits_per_s, 3 / 30e-6);
  EXPECT_DOUBLE_EQ(*r.idle_kvm_exits_per_s, 3 / 30e-6);
  EXPECT_DOUBLE_EQ(r.mean_latency_us, 5.0);
}

// Where a mark is a system call (kvm_pvm), each pair of marks costs KVM
// exits of its own: 9 an interval here, in the empty intervals and in each
// of send's two intervals of two calls, beside one MMIO kick a call. KVM
// net takes the marks' price out: 1 a call, where KVM all reads 5.5.
TEST(PhaseAnalysis, KvmNetTakesTheMarksOwnKvmExitsOutAsTheMarksOnlyPhasePricesThem) {
  Recorder rec;
  constexpr uint64_t kMarkPairKvm = 9;
  for (int i = 0; i < 2; ++i) {
    rec.start(kPhaseMarkOnly);
    rec.kvm_exits += kMarkPairKvm;
    rec.end(kPhaseMarkOnly);
  }
  for (int interval = 0; interval < 2; ++interval) {
    rec.start(kPhaseSendUdp64);
    rec.kvm_exits += kMarkPairKvm;
    for (int call = 0; call < 2; ++call) rec.mmio_kick();
    rec.end(kPhaseSendUdp64);
  }
  auto run = analyse_marks(rec.document(), "virtio-noioeventfd", 4);
  ASSERT_TRUE(run) << run.error().message;
  const CallResult& send = result_for(*run, "send udp 64B");
  EXPECT_DOUBLE_EQ(*send.kvm_exits_all, 5.5);
  ASSERT_TRUE(send.kvm_exits_net);
  EXPECT_DOUBLE_EQ(*send.kvm_exits_net, 1.0);
  EXPECT_DOUBLE_EQ(*result_for(*run, "(marks only)").kvm_exits_net, 0.0);
}

TEST(PhaseAnalysis, KvmNetIsAbsentWithoutKvmStatistics) {
  Recorder rec;
  rec.start(kPhaseMarkOnly);
  rec.end(kPhaseMarkOnly);
  json doc = rec.document();
  for (auto& mark : doc["marks"])
    for (auto& vcpu : mark["vcpus"]) vcpu.erase("kvm");
  auto run = analyse_marks(doc, "virtio", 1);
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_FALSE(result_for(*run, "(marks only)").kvm_exits_net);
}

TEST(PhaseAnalysis, BrokenRecordsAreErrorsNotFigures) {
  Recorder unended;
  unended.start(kPhaseSocket);
  EXPECT_FALSE(analyse_marks(unended.document(), "virtio", 1));
  Recorder unstarted;
  unstarted.end(kPhaseSocket);
  EXPECT_FALSE(analyse_marks(unstarted.document(), "virtio", 1));
  EXPECT_FALSE(analyse_marks(four_sends(false).document(/*dropped=*/1), "virtio", 4));
  EXPECT_FALSE(analyse_marks(json::object(), "virtio", 4));
  EXPECT_FALSE(analyse_marks(json("not stats"), "virtio", 4));
}

TEST(PhaseAnalysis, IntervalLengthsAreEachIntervalsHostTime) {
  auto lengths = interval_lengths_us(four_sends(false).document(), kPhaseSendUdp64);
  ASSERT_TRUE(lengths) << lengths.error().message;
  EXPECT_EQ(*lengths, (std::vector<double>{20.0, 20.0}));
  auto empty = interval_lengths_us(four_sends(false).document(), kPhaseMarkOnly);
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, (std::vector<double>{10.0, 10.0}));
}

}  // namespace
}  // namespace vmm::bench
