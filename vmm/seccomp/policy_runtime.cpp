// The runtime table: what any thread of the VMM may need from glibc,
// libstdc++ and spdlog after set-up, whatever its job.
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>

#include "vmm/seccomp/policy_tables.h"

namespace vmm::seccomp {

namespace {

// No new executable memory after set-up: malloc and thread stacks never ask
// for it, only a code loader (dlopen) would.
constexpr ArgCheck kNotExecutable = arg_masked(2, PROT_EXEC, 0);

}  // namespace

SyscallRules runtime_rules(const PolicyContext& context) {
  const uint64_t pid = static_cast<uint64_t>(context.pid);
  return {
      // Locks, condition variables, joins: std::mutex, VmLifecycle, spdlog's
      // logger mutex, Asio's scheduler. std::this_thread::yield.
      {"futex"},
      {"sched_yield"},
      // malloc: brk grows the main arena; mmap for large blocks and each
      // thread's arena (reserved PROT_NONE, then mprotect'ed in as it grows);
      // munmap/madvise when blocks and heaps shrink (madvise also on thread
      // exit for the stack); mremap when realloc moves an mmapped block.
      {"brk"},
      {"mmap", {kNotExecutable}},
      {"mprotect", {kNotExecutable}},
      {"munmap"},
      {"madvise"},
      {"mremap"},
      // malloc, when a thread needs a 9th arena, sizes the arena limit by
      // the CPU count: /sys/devices/system/cpu/online, then /proc/stat
      // (both refused, see refused_opens), then sched_getaffinity. Seen:
      // 40 confined threads allocating were killed without it.
      {"sched_getaffinity"},
      // Signal masks (pthread_kill blocks all signals around the kill,
      // exiting threads block all) and the return from a handler: the
      // vCPU kick (SIGUSR1), and Asio's SIGINT/SIGTERM handler, which the
      // kernel may run on any thread that does not block those signals.
      {"rt_sigprocmask"},
      {"rt_sigreturn"},
      // Clocks usually come from the vDSO without a system call, but not
      // where the host's clocksource has no vDSO support (nested KVM, as on
      // this project's development host): then they are real calls.
      // clock_nanosleep/nanosleep: std::this_thread::sleep_for.
      {"clock_gettime"},
      {"clock_getres"},
      {"gettimeofday"},
      {"time"},
      {"clock_nanosleep"},
      {"nanosleep"},
      // pthread_kill as glibc 2.36 does it: tgkill(getpid(), tid, sig), with
      // gettid when a thread signals itself. Only this process's threads,
      // and only the kick signal or abort()'s SIGABRT (so a failed assertion
      // still ends as SIGABRT, not as a seccomp kill).
      {"getpid"},
      {"gettid"},
      {"tgkill", {arg_equals(0, pid), arg_equals(2, SIGUSR1)}},
      {"tgkill", {arg_equals(0, pid), arg_equals(2, SIGABRT)}},
      // Output: spdlog to stderr, the console to stdout, the byte Asio's
      // signal handler writes into its pipe (on whichever thread took the
      // signal), eventfd signals, glibc's fatal-error messages (writev).
      {"write"},
      {"writev"},
      // A thread's end (std::thread, std::jthread) and the process's.
      {"exit"},
      {"exit_group"},
      // The kernel's way back into a sleep a signal interrupted.
      {"restart_syscall"},
  };
}

SyscallRules refused_opens() { return {{"openat", {}, EACCES}}; }

}  // namespace vmm::seccomp
