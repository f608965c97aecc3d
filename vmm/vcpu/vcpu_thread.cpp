#include "vmm/vcpu/vcpu_thread.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cinttypes>
#include <cstdio>

#include "hv/core/exit_status.h"
#include "hv/core/thread_name.h"

namespace vmm {

namespace {

constexpr int kKickSignal = SIGUSR1;

void ignore_kick(int) {}

int status_for(ExitAction action) {
  switch (action) {
    case ExitAction::kGuestStopped: return kStatusPoweredOff;
    case ExitAction::kGuestFault: return kStatusGuestFault;
    default: return kStatusVmmError;
  }
}

}  // namespace

std::string describe_vcpu_state(KvmVcpu& vcpu) {
  auto regs = vcpu.get_regs();
  auto sregs = vcpu.get_sregs();
  if (!regs.ok() || !sregs.ok()) return "(registers unavailable)";
  const kvm_regs& r = *regs;
  const kvm_sregs& s = *sregs;
  char buf[640];
  std::snprintf(buf, sizeof buf,
                "rip=0x%llx rsp=0x%llx rflags=0x%llx\n"
                "  rax=0x%llx rbx=0x%llx rcx=0x%llx rdx=0x%llx\n"
                "  rsi=0x%llx rdi=0x%llx rbp=0x%llx\n"
                "  r8=0x%llx r9=0x%llx r10=0x%llx r11=0x%llx\n"
                "  r12=0x%llx r13=0x%llx r14=0x%llx r15=0x%llx\n"
                "  cs=0x%x (l=%u db=%u) ss=0x%x cr0=0x%llx cr2=0x%llx cr3=0x%llx cr4=0x%llx "
                "efer=0x%llx",
                r.rip, r.rsp, r.rflags, r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rbp, r.r8,
                r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15, s.cs.selector, s.cs.l, s.cs.db,
                s.ss.selector, s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
  return buf;
}

void run_vcpu_loop(const VcpuDeps& deps) {
  ExitContext context{deps.pio_bus, deps.mmio_bus, deps.counters, deps.unmapped,
                      static_cast<uint32_t>(deps.vcpu.id())};
  while (!deps.lifecycle.stopping()) {
    auto entered = deps.vcpu.run();
    if (!entered.ok()) {
      deps.lifecycle.request_stop(kStatusVmmError,
                                  "vcpu " + std::to_string(context.vcpu) + ": " +
                                      entered.error().message);
      return;
    }
    kvm_run* run = deps.vcpu.run_area();
    ExitOutcome outcome = handle_exit(*run, deps.vcpu.run_area_size(), context);
    if (outcome.action == ExitAction::kContinue) continue;
    std::string reason = "vcpu " + std::to_string(context.vcpu) + ": " + outcome.message;
    if (auto details = internal_error_details(deps.vcpu, *run, deps.symbolize); !details.empty())
      reason += "\n  " + details;
    if (outcome.action != ExitAction::kGuestStopped)
      reason += "\n  " + describe_vcpu_state(deps.vcpu);
    deps.lifecycle.request_stop(status_for(outcome.action), reason);
    return;
  }
}

void VcpuThread::install_kick_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_handler = ignore_kick;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: KVM_RUN must return EINTR
    sigaction(kKickSignal, &action, nullptr);
  });
}

VcpuThread::VcpuThread(VcpuDeps deps) : deps_(deps) {
  install_kick_handler();
  thread_ = std::thread([this] { body(); });
}

VcpuThread::~VcpuThread() { join(); }

void VcpuThread::body() {
  name_this_thread("vcpu" + std::to_string(deps_.vcpu.id()));
  // The kick signal must reach this thread; the process-wide signals
  // (SIGINT/SIGTERM) are left to the thread that waits for them.
  sigset_t kick;
  sigemptyset(&kick);
  sigaddset(&kick, kKickSignal);
  pthread_sigmask(SIG_UNBLOCK, &kick, nullptr);
  run_vcpu_loop(deps_);
  std::lock_guard lock(mutex_);
  exited_ = true;
}

void VcpuThread::kick() {
  std::atomic_ref<uint8_t>(deps_.vcpu.run_area()->immediate_exit)
      .store(1, std::memory_order_release);
  std::lock_guard lock(mutex_);
  // Only a thread that has not finished may be signalled: after it ends it
  // may be joined and its pthread_t freed at any moment.
  if (!exited_) pthread_kill(thread_.native_handle(), kKickSignal);
}

void VcpuThread::join() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace vmm
