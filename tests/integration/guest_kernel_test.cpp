// The bundled guest kernel's user mode under real KVM: the self-test program
// on 1, 2 and 4 vCPUs, the two programs that end the VM on purpose
// (panic-test, smap-test), and init's arguments and exit status.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/kvm_available.h"
#include "tests/integration/test_binaries.h"
#include "tests/integration/output_text.h"
#include "tests/integration/process.h"

namespace vmm::testing {
namespace {

constexpr int kSelftestTimeoutSeconds = 90;  // a self-test run takes ~10 s on a slow nested host

// Every check guest/user/selftest.cpp runs, in its order.
const char* const kChecks[] = {
    "efault-write", "efault-read", "user-reads-kernel", "null-deref", "demand-paging", "cow",
    "munmap",       "nested-fault", "smp-threads",      "preempt",    "sleep",         "tickless",
    "thread-join",  "exit-group",   "syscall-regs",     "enosys",     "exec",
};

// Debug-exit value v ends the VM with status (v << 1) | 1.
constexpr int debug_exit_status(int v) { return (v << 1) | 1; }


// The console ends lines with "\r\n"; matching the end keeps "ok" from
// matching a longer word.
std::string line(const std::string& text) { return text + "\r\n"; }

ProcessResult boot(int cpus, const std::string& cmdline) {
  return run_process({kVmm, "--smp", std::to_string(cpus), "--cmdline", cmdline}, kSelftestTimeoutSeconds);
}

class GuestSelftest : public ::testing::TestWithParam<int> {};

TEST_P(GuestSelftest, EveryCheckPassesAndInitPowersOff) {
  SKIP_WITHOUT_KVM();
  auto r = boot(GetParam(), "init=selftest");
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  for (const char* check : kChecks) {
    EXPECT_TRUE(contains(r.out, line(std::string("selftest ") + check + ": ok"))) << check << "\n" << r.out;
  }
  EXPECT_TRUE(contains(r.out, line("selftest: 17 passed, 0 failed"))) << r.out;
  EXPECT_FALSE(contains(r.out, "FAIL")) << r.out;
  // The faulting children are reported and only they end.
  EXPECT_TRUE(contains(r.out, "addr 0xffffffff80100000 rip 0x")) << r.out;
  EXPECT_TRUE(contains(r.out, "(read, user, protection)")) << r.out;
  EXPECT_TRUE(contains(r.out, "addr 0x0 rip 0x")) << r.out;
  EXPECT_TRUE(contains(r.out, "(read, user, not-present)")) << r.out;
  auto booted = r.out.find(line("boot: ok"));
  auto started = r.out.find(line("init: starting selftest"));
  ASSERT_NE(booted, std::string::npos) << r.out;
  EXPECT_LT(booted, started) << r.out;
  EXPECT_TRUE(contains(r.out, line("init: selftest exited with status 0"))) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Smp, GuestSelftest, ::testing::Values(1, 2, 4));

// The panicking CPU is named in panic-test's own line; every other CPU
// must say it stopped before the panic report.
TEST(GuestKernel, PanicTestStopsEveryOtherCpuBeforeThePanicReport) {
  SKIP_WITHOUT_KVM();
  constexpr int kCpus = 4;
  auto r = boot(kCpus, "init=panic-test");
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, debug_exit_status(1)) << r.out << r.err;
  const std::string marker = "panic-test: cpu ";
  auto at = r.out.find(marker);
  ASSERT_NE(at, std::string::npos) << r.out;
  int panicking = std::stoi(r.out.substr(at + marker.size()));
  EXPECT_TRUE(contains(r.out, ", 3 other cpus spin in user mode")) << r.out;
  auto report = r.out.find("panic: requested by pid ");
  ASSERT_NE(report, std::string::npos) << r.out;
  for (int cpu = 0; cpu < kCpus; ++cpu) {
    if (cpu == panicking) continue;
    auto stopped = r.out.find(line("cpu " + std::to_string(cpu) + " stopped"));
    ASSERT_NE(stopped, std::string::npos) << "cpu " << cpu << "\n" << r.out;
    EXPECT_LT(stopped, report) << "cpu " << cpu << "\n" << r.out;
  }
}

// With SMAP the kernel's stray read of user memory is a fatal #PF; a CPU
// without SMAP is reported as such, with its own exit status.
TEST(GuestKernel, SmapTestPanicsWithASmapFaultOrSaysThereIsNoSmap) {
  SKIP_WITHOUT_KVM();
  auto r = boot(2, "init=smap-test");
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  if (contains(r.out, "smap-test: SMAP present")) {
    EXPECT_EQ(r.status, debug_exit_status(1)) << r.out << r.err;
    EXPECT_TRUE(contains(r.out, "trap: vector 14 (#PF page fault) error 0x1 ")) << r.out;
    EXPECT_TRUE(contains(r.out, "panic: SMAP violation")) << r.out;
    EXPECT_TRUE(contains(r.out, "smap on")) << r.out;  // the kernel's own boot line
  } else {
    EXPECT_TRUE(contains(r.out, "smap-test: CPU has no SMAP")) << r.out;
    EXPECT_EQ(r.status, debug_exit_status(4)) << r.out << r.err;
  }
  EXPECT_FALSE(contains(r.out, "smap-test: FAIL")) << r.out;
}

TEST(GuestKernel, InitGetsTheWordsAfterDoubleDashAsArguments) {
  SKIP_WITHOUT_KVM();
  auto r = boot(1, "init=echo -- hello from the guest");
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, line("hello from the guest"))) << r.out;
  EXPECT_TRUE(contains(r.out, line("init: echo exited with status 0"))) << r.out;
}

// selftest exits with 2 when a check fails; init's status ends the VM.
TEST(GuestKernel, InitsNonZeroExitStatusEndsTheVmThroughDebugExit) {
  SKIP_WITHOUT_KVM();
  auto r = boot(1, "init=selftest -- no-such-check");
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, debug_exit_status(2)) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, line("selftest no-such-check: FAIL unknown check"))) << r.out;
  EXPECT_TRUE(contains(r.out, line("selftest: 0 passed, 1 failed"))) << r.out;
  EXPECT_TRUE(contains(r.out, line("init: selftest exited with status 2"))) << r.out;
}

}  // namespace
}  // namespace vmm::testing
