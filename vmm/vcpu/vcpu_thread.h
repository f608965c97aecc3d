// One thread per vCPU running KVM_RUN in a loop. kick() gets the thread out
// of KVM_RUN promptly: it sets kvm_run.immediate_exit (for a thread just
// about to enter) and sends SIGUSR1 (for a thread inside; the handler does
// nothing, the ioctl returns EINTR). KVM API doc 4.5, "immediate_exit".
#pragma once

#include <pthread.h>

#include <mutex>
#include <thread>

#include "hv/bus/bus.h"
#include "hv/core/vm_lifecycle.h"
#include "hv/kvm/kvm.h"
#include "vmm/vcpu/emulation_failure.h"
#include "vmm/vcpu/exit_counters.h"
#include "vmm/vcpu/exit_dispatch.h"

namespace vmm {

struct VcpuDeps {
  KvmVcpu& vcpu;
  const Bus& pio_bus;
  const Bus& mmio_bus;
  VcpuExitCounters& counters;
  UnmappedAccessLog& unmapped;
  VmLifecycle& lifecycle;
  // Names guest addresses in fault reports (vmm/vcpu/emulation_failure.h);
  // none: addresses are printed bare.
  GuestSymbolizer symbolize = nullptr;
};

// The loop itself, callable without a thread (unit tests drive it with a
// mock vCPU whose run() returns scripted exits).
void run_vcpu_loop(const VcpuDeps& deps);

// A register dump for fault reports: "rip=0x... rsp=0x... cr0=..." lines.
std::string describe_vcpu_state(KvmVcpu& vcpu);

class VcpuThread {
 public:
  explicit VcpuThread(VcpuDeps deps);
  ~VcpuThread();  // joins
  VcpuThread(const VcpuThread&) = delete;
  VcpuThread& operator=(const VcpuThread&) = delete;

  void kick();
  void join();

  // Installs the no-op SIGUSR1 handler used for kicks (once per process).
  static void install_kick_handler();

 private:
  void body();

  VcpuDeps deps_;
  std::mutex mutex_;
  bool exited_ = false;  // set by the thread itself, under mutex_, as it ends
  std::thread thread_;
};

}  // namespace vmm
