// A stop signal ends vmm by that signal (hv/core/exit_status.h): its parent
// sees WIFSIGNALED, which no guest debug-exit status can give, also from
// the main thread's seccomp confinement, where vmm really makes the call.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmm/app/end_by_signal.h"
#include "hv/core/exit_status.h"
#include "hv/core/vm_lifecycle.h"
#include "vmm/seccomp/thread_filters.h"

namespace vmm {
namespace {

// The wait status of a child that runs `body` and then exits with 99.
template <typename Body>
int wait_status_of_child(Body body) {
  pid_t child = fork();
  if (child == 0) {
    body();
    _exit(99);
  }
  int wstatus = 0;
  EXPECT_EQ(waitpid(child, &wstatus, 0), child);
  return wstatus;
}

void expect_killed_by(int wstatus, int signal) {
  ASSERT_TRUE(WIFSIGNALED(wstatus)) << "exited with " << WEXITSTATUS(wstatus);
  EXPECT_EQ(WTERMSIG(wstatus), signal);
}

TEST(EndBySignal, EndsTheProcessByTheStopSignal) {
  for (int signal : {SIGINT, SIGTERM}) expect_killed_by(wait_status_of_child([&] { end_by_signal(signal); }), signal);
}

TEST(EndBySignal, WorksWhenTheSignalIsBlockedOrHandled) {
  int wstatus = wait_status_of_child([] {
    signal(SIGTERM, [](int) {});
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    end_by_signal(SIGTERM);
  });
  expect_killed_by(wstatus, SIGTERM);
}

TEST(EndBySignal, IsAllowedByTheMainThreadsSeccompFilter) {
  if (seccomp::kSanitizerBuild) GTEST_SKIP() << "a sanitizer build runs unconfined (vmm/seccomp/CMakeLists.txt)";
  // Compiled in the child: the filters pin this process's own pid.
  int wstatus = wait_status_of_child([] {
    auto filters = seccomp::ThreadFilters::compile();
    if (!filters.ok() || !filters->install(seccomp::ThreadKind::kMain).ok()) _exit(98);
    end_by_signal(SIGTERM);
  });
  expect_killed_by(wstatus, SIGTERM);  // a missing rule would show as SIGSYS
}

// What a guest's debug-exit value 71 gives: an exit status, 143, which a
// parent tells from SIGTERM by the wait status.
TEST(EndBySignal, AGuestStatusOf143IsAnExitNotASignal) {
  int wstatus = wait_status_of_child([] { _exit(debug_exit_status(71)); });
  ASSERT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 143);
}

TEST(VmLifecycleStop, KeepsTheStopSignalOnlyWhenASignalStoppedTheVm) {
  VmLifecycle by_signal;
  EXPECT_TRUE(by_signal.request_stop_by_signal(SIGTERM, "received SIGTERM"));
  EXPECT_EQ(by_signal.exit_status(), 128 + SIGTERM);
  EXPECT_EQ(by_signal.stop_signal(), SIGTERM);

  VmLifecycle by_guest;
  EXPECT_TRUE(by_guest.request_stop(debug_exit_status(71), "debug-exit"));
  EXPECT_FALSE(by_guest.request_stop_by_signal(SIGTERM, "too late"));
  EXPECT_EQ(by_guest.exit_status(), 143);
  EXPECT_EQ(by_guest.stop_signal(), 0);
}

}  // namespace
}  // namespace vmm
