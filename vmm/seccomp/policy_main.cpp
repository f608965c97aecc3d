// The main thread's table, beside the runtime and refused-opens ones. It is
// installed once every other thread runs (Vm::run), so it covers the rest of
// the process's life:
//
//   wait            VmLifecycle::wait_for_stop (futex)
//   stop            kick every vCPU (tgkill), join them, stop the device
//                   thread's io_context and the poller (Asio wakes them with
//                   epoll_ctl; futex), join
//   statistics      pread64 of each vCPU's KVM stats fd; the --stats table
//                   through std::cout, whose first use makes glibc size the
//                   buffer (newfstatat) and ask whether stdout is a terminal
//                   (TCGETS); the --stats-json file, opened before the VM
//                   started (vmm/app/main.cpp), written and closed
//   end             after a stop signal, vmm ends by that signal
//                   (vmm/app/end_by_signal.cpp): its default action back
//                   (rt_sigaction), unblocked (rt_sigprocmask, runtime
//                   table) and raised at this thread (tgkill, SIGINT or
//                   SIGTERM only)
//   tear-down       the terminal mode restored (TCSETS* on stdin); eventfds
//                   unbound from KVM (KVM_IOEVENTFD, KVM_IRQFD with the
//                   deassign flag); Asio's signal_set puts SIGINT/SIGTERM
//                   back to their defaults (rt_sigaction); every descriptor
//                   closed; guest memory and kvm_run unmapped (runtime table)
//
// Installed any later (after the VM stopped) it would guard nothing: the
// main thread shares its address space with threads the guest talks to, so
// its allowlist is part of what a compromised thread could reach.
#include "hv/kvm/kvm_uapi.h"

#include <signal.h>
#include <sys/ioctl.h>

#include "vmm/seccomp/policy_tables.h"

namespace vmm::seccomp {

SyscallRules main_rules(const PolicyContext& context) {
  const uint64_t pid = static_cast<uint64_t>(context.pid);
  return {
      {"pread64"},
      {"close"},
      {"epoll_ctl"},
      {"rt_sigaction"},
      {"tgkill", {arg_equals(0, pid), arg_equals(2, SIGINT)}},
      {"tgkill", {arg_equals(0, pid), arg_equals(2, SIGTERM)}},
      {"newfstatat"},
      {"fstat"},
      {"lseek"},
      {"ioctl", {ioctl_request(TCGETS)}},
      {"ioctl", {ioctl_request(TCSETS)}},
      {"ioctl", {ioctl_request(TCSETSW)}},
      {"ioctl", {ioctl_request(TCSETSF)}},
      {"ioctl", {ioctl_request(KVM_IOEVENTFD)}},
      {"ioctl", {ioctl_request(KVM_IRQFD)}},
      // Asio's descriptor close retries in blocking mode (FIONBIO) if
      // close() says EWOULDBLOCK: not seen on Linux, allowed all the same.
      {"ioctl", {ioctl_request(FIONBIO)}},
  };
}

}  // namespace vmm::seccomp
