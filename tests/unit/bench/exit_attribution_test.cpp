#include "bench/exits/exit_attribution.h"

#include <gtest/gtest.h>

#include "tests/unit/bench/capture_fixtures.h"
#include "tests/unit/loader/symtab_elf.h"

namespace vmm::bench {
namespace {

const CauseFigure& cause(const ExitAttribution& a, const std::string& name) {
  for (const auto& f : a.causes)
    if (f.cause == name) return f;
  static const CauseFigure kNone{"(none)", std::nullopt, "", "no such column"};
  return kNone;
}

// The capture's excerpt as one "call": KVM's exits and page faults scaled
// to the excerpt's share of the interval's emulated instructions (21,768 of
// 103,818: 296 exits -> 62, pf_taken 79 -> 16).
AttributionInput excerpt_input() {
  const KvmTrace& trace = fixtures::pvm_trace();
  AttributionInput in;
  in.calls = 1;
  in.kvm = {{"exits", 62}, {"pf_taken", 16}, {"insn_emulation", 21768}, {"halt_exits", 0}, {"irq_exits", 0}};
  in.trace = &trace;
  in.windows = {{trace.events.front().time_ns, trace.events.back().time_ns + 1}};
  return in;
}

TEST(ExitAttribution, KvmPvmCaptureIsExplainedByEntriesAndBatches) {
  ExitAttribution a = attribute_exits(excerpt_input());
  EXPECT_EQ(a.method, "other tracepoints (kvm_exit silent)");
  EXPECT_EQ(cause(a, "device").per_call, 0.0);
  EXPECT_EQ(cause(a, "user->kernel").per_call, 16.0);
  EXPECT_EQ(cause(a, "emulation batches").per_call, 45.0);
  EXPECT_EQ(cause(a, "interrupts+timers").source, "KVM stats (halt, irq, irq/nmi window exits)");
  // kvm_page_fault never fired while KVM took page faults: said, not 0.00.
  EXPECT_FALSE(cause(a, "page faults").per_call);
  EXPECT_NE(cause(a, "page faults").note.find("silent: kvm_page_fault fired 0 times"), std::string::npos);
  EXPECT_EQ(a.emulated_insns_per_call, 21768.0);
  EXPECT_NEAR(a.unattributed, 1.0, 1e-9);
  ASSERT_TRUE(a.attributed_percent);
  EXPECT_GT(*a.attributed_percent, 90.0);
}

TEST(ExitAttribution, GuestFunctionsOfTheEmulatedInstructions) {
  auto image = test::symtab_elf({{"syscall_entry", 0xffffffff80101000, 0x1000},
                                 {"hot_loop", 0xffffffff80116800, 0x100}});
  auto symbols = loader::ElfSymbolTable::parse(image);
  ASSERT_TRUE(symbols) << symbols.error().message;
  AttributionInput in = excerpt_input();
  in.symbols = &*symbols;
  ExitAttribution a = attribute_exits(in);
  ASSERT_FALSE(a.functions.empty());
  double total = 0;
  bool entry_seen = false;
  for (const auto& [name, share] : a.functions) total += share, entry_seen |= name == "syscall_entry";
  EXPECT_TRUE(entry_seen);
  EXPECT_LE(total, 1.0 + 1e-9);
}

TEST(ExitAttribution, KvmExitReasonsGiveTheColumnsWhereTheyFire) {
  KvmTrace trace;
  trace.enabled = {KvmEvent::kExit};
  auto exit = [](uint64_t t, const char* reason) {
    KvmTraceEvent e;
    e.time_ns = t;
    e.tid = 7;
    e.text = reason;
    return e;
  };
  trace.events = {exit(10, "HLT"), exit(11, "MSR_WRITE"), exit(12, "EPT_VIOLATION"), exit(13, "IO_INSTRUCTION"),
                  exit(14, "CPUID"), exit(99, "HLT")};
  AttributionInput in;
  in.calls = 2;
  in.kvm = {{"exits", 10}};
  in.device_per_call = 0.5;
  in.trace = &trace;
  in.windows = {{10, 20}};
  ExitAttribution a = attribute_exits(in);
  EXPECT_EQ(a.method, "kvm_exit reasons");
  EXPECT_EQ(cause(a, "interrupts+timers").per_call, 0.5);
  EXPECT_EQ(cause(a, "msr+cr").per_call, 0.5);
  EXPECT_EQ(cause(a, "page faults").per_call, 0.5);
  EXPECT_EQ(cause(a, "other reasons").per_call, 0.5);
  EXPECT_EQ(cause(a, "device").per_call, 0.5);  // the VMM's count, not IO_INSTRUCTION again
  EXPECT_EQ(cause(a, "device").source, "VMM counters");
  EXPECT_NEAR(a.unattributed, 5.0 - 2.5, 1e-9);
  EXPECT_NEAR(*a.attributed_percent, 50.0, 1e-9);
}

TEST(ExitAttribution, UntracedRunsSayNotTraced) {
  AttributionInput in;
  in.calls = 4;
  in.kvm = {{"exits", 8}, {"halt_exits", 4}};
  ExitAttribution a = attribute_exits(in);
  EXPECT_EQ(a.method, "counters only");
  EXPECT_EQ(cause(a, "interrupts+timers").per_call, 1.0);
  EXPECT_FALSE(cause(a, "emulation batches").per_call);
  EXPECT_EQ(cause(a, "emulation batches").note, "not traced");
  EXPECT_NEAR(a.unattributed, 1.0, 1e-9);
  EXPECT_FALSE(a.emulated_insns_per_call);
}

}  // namespace
}  // namespace vmm::bench
