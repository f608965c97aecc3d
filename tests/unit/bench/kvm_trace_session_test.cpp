// kvm:kvm_exit trace lines into events, events into reasons per phase, and
// tracing switched on and off without leaving a trace of it.
#include "bench/exits/kvm_trace_session.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace vmm::bench {
namespace {

TEST(KvmExitTrace, ParsesVmxAndSvmLines) {
  auto vmx = parse_kvm_trace_line(
      "             vmm-4242    [001] d..1.  1234.567890: kvm_exit: vcpu 2 reason EXTERNAL_INTERRUPT rip "
      "0xffffffff81000000 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x800000ec error_code "
      "0x00000000");
  ASSERT_TRUE(vmx);
  EXPECT_EQ(vmx->time_ns, 1234567890000ull);
  EXPECT_EQ(vmx->kind, KvmEvent::kExit);
  EXPECT_EQ(vmx->tid, 4242u);
  EXPECT_EQ(vmx->rip, 0xffffffff81000000ull);
  EXPECT_EQ(vmx->text, "EXTERNAL_INTERRUPT");
  // AMD's names may hold a space.
  auto svm = parse_kvm_trace_line("  vmm-7 [000] ....  5.000000001: kvm_exit: vcpu 0 reason PF excp rip 0x10 info1 0x0");
  ASSERT_TRUE(svm);
  EXPECT_EQ(svm->text, "PF excp");
  EXPECT_EQ(svm->time_ns, 5000000001ull);
}

TEST(KvmExitTrace, IgnoresEverythingElse) {
  EXPECT_FALSE(parse_kvm_trace_line("# tracer: nop"));
  EXPECT_FALSE(parse_kvm_trace_line("  vmm-1 [000] .... 1.0: kvm_entry: vcpu 0, rip 0x10"));
  EXPECT_FALSE(parse_kvm_trace_line("  vmm-1 [000] .... 1.0: kvm_exit: garbage"));
  EXPECT_FALSE(parse_kvm_trace_line(""));
}

TEST(KvmExitTrace, CountsOnlyEventsInsideTheWindows) {
  auto exit = [](uint64_t t, uint32_t tid, const char* reason) {
    KvmTraceEvent e;
    e.time_ns = t;
    e.tid = tid;
    e.text = reason;
    return e;
  };
  std::vector<KvmTraceEvent> events = {exit(100, 0, "HLT"), exit(150, 0, "io"), exit(199, 1, "HLT"),
                                       exit(200, 0, "HLT"), exit(400, 0, "npf")};
  auto counts = count_reasons(events, {{100, 200}, {300, 500}});
  EXPECT_EQ(counts, (std::map<std::string, uint64_t>{{"HLT", 2}, {"io", 1}, {"npf", 1}}));
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool tracefs_mounted_at(const std::string& root) { return access((root + "/trace").c_str(), F_OK) == 0; }

// Against the machine's own tracefs: mounted by the session if it is not
// (then unmounted again), or found mounted (then every setting the session
// changed is as before). Holds the tracefs lock throughout, so no other
// session (a vmm-bench run by another test) changes anything meanwhile.
TEST(KvmExitTrace, StartAndStopLeaveTracefsAsTheyFoundIt) {
  const std::string root = "/sys/kernel/tracing";
  auto lock = TracefsLock::take();
  if (!lock) GTEST_SKIP() << lock.error().message;
  const bool was_mounted = tracefs_mounted_at(root);
  const char* files[] = {"trace_clock", "events/kvm/kvm_exit/enable", "events/kvm/kvm_emulate_insn/enable",
                         "events/kvm/kvm_msr/enable", "set_event_pid", "options/event-fork", "tracing_on"};
  std::vector<std::string> before;
  if (was_mounted) {
    for (const char* f : files) before.push_back(read_text(root + "/" + f));
  }
  {
    auto session = KvmTraceSession::start(root);
    if (!session && (session.error().message.find("mounting it failed") != std::string::npos ||
                     session.error().message.find("no kvm events") != std::string::npos ||
                     session.error().message.find("not writable") != std::string::npos))
      GTEST_SKIP() << "tracefs cannot be used here: " << session.error().message;
    ASSERT_TRUE(session) << session.error().message;
    EXPECT_EQ((*session)->mounted_here(), !was_mounted);
    EXPECT_NE(read_text(root + "/trace_clock").find("[mono]"), std::string::npos);
    EXPECT_EQ(read_text(root + "/events/kvm/kvm_exit/enable"), "1\n");
    EXPECT_EQ(read_text(root + "/events/kvm/kvm_emulate_insn/enable"), "1\n");
    EXPECT_TRUE((*session)->enabled().contains(KvmEvent::kPio));
    auto trace = (*session)->stop();
    ASSERT_TRUE(trace) << trace.error().message;
    EXPECT_TRUE(trace->events.empty()) << "this process runs no VM";
    EXPECT_FALSE(trace->overrun);
  }
  EXPECT_EQ(tracefs_mounted_at(root), was_mounted);
  if (was_mounted) {
    for (size_t i = 0; i < std::size(files); ++i) EXPECT_EQ(read_text(root + "/" + files[i]), before[i]) << files[i];
  }
}

// Another process finds the lock taken (util-linux flock(1) stands in for
// a second vmm-bench); this process shares it.
TEST(TracefsLockTest, IsExclusiveBetweenProcessesAndSharedWithinOne) {
  auto lock = TracefsLock::take();
  if (!lock) GTEST_SKIP() << lock.error().message;
  auto again = TracefsLock::take();
  ASSERT_TRUE(again);
  EXPECT_EQ(lock->get(), again->get());
  const std::string probe = std::string("flock -n ") + kTracefsLockPath + " true";
  EXPECT_NE(std::system(probe.c_str()), 0) << "another process could take the lock";
  lock->reset();
  again->reset();
  EXPECT_EQ(std::system(probe.c_str()), 0) << "the lock outlived its holders";
}

// A tracefs mount point with nothing mounted: the session mounts tracefs
// there and unmounts it when done (root only; elsewhere it says why not).
TEST(KvmTraceSession, MountsTracefsWhenNotMountedAndUnmountsAfter) {
  auto lock = TracefsLock::take();  // tracefs's settings are one set, wherever it is mounted
  if (!lock) GTEST_SKIP() << lock.error().message;
  char dir[] = "/tmp/vmm-tracefs-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  {
    auto session = KvmTraceSession::start(dir);
    if (!session) {
      EXPECT_NE(session.error().message.find("mounting it failed"), std::string::npos) << session.error().message;
    } else {
      EXPECT_TRUE((*session)->mounted_here());
      EXPECT_EQ(access((std::string(dir) + "/trace").c_str(), F_OK), 0);
      ASSERT_TRUE((*session)->stop());
    }
  }
  EXPECT_NE(access((std::string(dir) + "/trace").c_str(), F_OK), 0) << "still mounted";
  rmdir(dir);
}

}  // namespace
}  // namespace vmm::bench
