// kvm:kvm_exit trace lines into events, events into reasons per phase, and
// tracing switched on and off without leaving a trace of it.
#include "bench/exits/kvm_exit_trace.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace vmm::bench {
namespace {

TEST(KvmExitTrace, ParsesVmxAndSvmLines) {
  auto vmx = parse_kvm_exit_line(
      "             vmm-4242    [001] d..1.  1234.567890: kvm_exit: vcpu 2 reason EXTERNAL_INTERRUPT rip "
      "0xffffffff81000000 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x800000ec error_code "
      "0x00000000");
  ASSERT_TRUE(vmx);
  EXPECT_EQ(vmx->time_ns, 1234567890000ull);
  EXPECT_EQ(vmx->vcpu, 2u);
  EXPECT_EQ(vmx->reason, "EXTERNAL_INTERRUPT");
  // AMD's names may hold a space.
  auto svm = parse_kvm_exit_line("  vmm-7 [000] ....  5.000000001: kvm_exit: vcpu 0 reason PF excp rip 0x10 info1 0x0");
  ASSERT_TRUE(svm);
  EXPECT_EQ(svm->reason, "PF excp");
  EXPECT_EQ(svm->time_ns, 5000000001ull);
}

TEST(KvmExitTrace, IgnoresEverythingElse) {
  EXPECT_FALSE(parse_kvm_exit_line("# tracer: nop"));
  EXPECT_FALSE(parse_kvm_exit_line("  vmm-1 [000] .... 1.0: kvm_entry: vcpu 0, rip 0x10"));
  EXPECT_FALSE(parse_kvm_exit_line("  vmm-1 [000] .... 1.0: kvm_exit: garbage"));
  EXPECT_FALSE(parse_kvm_exit_line(""));
}

TEST(KvmExitTrace, CountsOnlyEventsInsideTheWindows) {
  std::vector<KvmExitEvent> events = {{100, 0, "HLT"}, {150, 0, "io"}, {199, 1, "HLT"}, {200, 0, "HLT"}, {400, 0, "npf"}};
  auto counts = count_reasons(events, {{100, 200}, {300, 500}});
  EXPECT_EQ(counts, (std::map<std::string, uint64_t>{{"HLT", 2}, {"io", 1}, {"npf", 1}}));
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Against the machine's own tracefs, where there is one we may write.
TEST(KvmExitTrace, StartAndStopLeaveTracefsAsTheyFoundIt) {
  const std::string root = "/sys/kernel/tracing";
  if (access((root + "/events/kvm/kvm_exit/enable").c_str(), W_OK) != 0)
    GTEST_SKIP() << "no writable tracefs with kvm events here";
  const char* files[] = {"trace_clock", "events/kvm/kvm_exit/enable", "set_event_pid", "options/event-fork", "tracing_on"};
  std::vector<std::string> before;
  for (const char* f : files) before.push_back(read(root + "/" + f));
  {
    auto trace = KvmExitTrace::start(root);
    ASSERT_TRUE(trace) << trace.error().message;
    EXPECT_NE(read(root + "/trace_clock").find("[mono]"), std::string::npos);
    EXPECT_EQ(read(root + "/events/kvm/kvm_exit/enable"), "1\n");
    bool overrun = true;
    auto events = (*trace)->stop(&overrun);
    ASSERT_TRUE(events) << events.error().message;
    EXPECT_TRUE(events->empty()) << "this process runs no VM";
    EXPECT_FALSE(overrun);
  }
  for (size_t i = 0; i < std::size(files); ++i) EXPECT_EQ(read(root + "/" + files[i]), before[i]) << files[i];
}

}  // namespace
}  // namespace vmm::bench
