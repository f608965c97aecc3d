// The vCPU thread's table, beside the runtime one. What its run-time paths
// call (vmm/vcpu/vcpu_thread.cpp, exit_dispatch.cpp and the devices on the
// port-I/O and MMIO buses):
//
//   run loop        KVM_RUN; a kick is SIGUSR1 (runtime table)
//   guest fault     KVM_GET_REGS, KVM_GET_SREGS for the register dump
//   UART            KVM_IRQ_LINE on the VM fd as the guest programs IRQ 4;
//                   console bytes are write(1) (runtime table)
//   bench marker    pread64 of every vCPU's KVM stats fd (the marking vCPU
//                   snapshots all of them)
//   virtio-mmio     posts work to the device thread's io_context; Asio wakes
//                   that thread with epoll_ctl(EPOLL_CTL_MOD) on its
//                   interrupter (with --no-ioeventfd every QueueNotify)
//   stop            VmLifecycle::request_stop kicks every vCPU: tgkill
//                   (runtime table)
//
// KVM_GET_STATS_FD, KVM_SET_* and the other set-up requests are made by the
// main thread before the vCPU threads start.
#include "hv/kvm/kvm_uapi.h"
#include "vmm/seccomp/policy_tables.h"

namespace vmm::seccomp {

SyscallRules vcpu_rules() {
  return {
      {"ioctl", {ioctl_request(KVM_RUN)}},
      {"ioctl", {ioctl_request(KVM_GET_REGS)}},
      {"ioctl", {ioctl_request(KVM_GET_SREGS)}},
      {"ioctl", {ioctl_request(KVM_IRQ_LINE)}},
      {"pread64"},
      {"epoll_ctl"},
  };
}

}  // namespace vmm::seccomp
