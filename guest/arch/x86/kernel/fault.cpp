#include "arch/x86/kernel/fault.h"

#include "arch/x86/cpu/idt.h"
#include "arch/x86/include/layout.h"
#include "arch/x86/include/x86.h"
#include "arch/x86/kernel/fatal_exception.h"
#include "arch/x86/kernel/syscall_cpu.h"
#include "kernel/console.h"
#include "mm/aspace.h"
#include "mm/extable.h"
#include "mm/uaccess.h"
#include "proc/process.h"
#include "proc/user_thread.h"
#include "sched/thread.h"
#include "uapi/abi.h"

namespace {

// #PF error code bits (Intel SDM vol 3, 4.7, figure 4-12).
constexpr uint64_t kPfPresent = 1u << 0;
constexpr uint64_t kPfWrite = 1u << 1;
constexpr uint64_t kPfUser = 1u << 2;
constexpr uint64_t kPfReserved = 1u << 3;
constexpr uint64_t kPfFetch = 1u << 4;

const char* access_kind(uint64_t err) {
  if (err & kPfFetch) return "exec";
  return (err & kPfWrite) ? "write" : "read";
}

const char* fault_cause(uint64_t err) {
  if (err & kPfReserved) return "reserved-bit";
  return (err & kPfPresent) ? "protection" : "not-present";
}

[[noreturn]] void kill_current(int signal) {
  process_kill(current_process(), uabi::wait_signal_status(signal));
  thread_exit(0);
}

void user_page_fault(TrapFrame* tf, uint64_t addr) {
  if (syscall_recover_from_fault(tf)) return;
  uint64_t err = tf->error_code;
  Process* p = current_process();
  if (layout::is_user_address(addr) && !(err & kPfReserved)) {
    aspace::Fault f = aspace::handle_fault(p->as, addr, {(err & kPfWrite) != 0, (err & kPfFetch) != 0});
    if (f == aspace::Fault::kResolved) return;
    if (f == aspace::Fault::kNoMemory) {
      kprintf("SIGKILL pid %u addr 0x%lx rip 0x%lx (out of memory)\n", p->pid, addr, tf->rip);
      kill_current(uabi::kSigKill);
    }
  }
  kprintf("SIGSEGV pid %u addr 0x%lx rip 0x%lx (%s, %s, %s)\n", p->pid, addr, tf->rip,
          access_kind(err), (err & kPfUser) ? "user" : "kernel", fault_cause(err));
  kill_current(uabi::kSigSegv);
}

// A kernel instruction faulted on a user address. Only the user-copy
// routines may: they get the fault resolved (the page may just not be there
// yet, a nested fault inside a system call) or their fix-up.
void kernel_page_fault(TrapFrame* tf, uint64_t addr) {
  uint64_t err = tf->error_code;
  uint64_t fixup = extable_fixup(tf->rip);
  if (fixup != 0 && layout::is_user_address(addr) && current_thread()->proc != nullptr) {
    aspace::Fault f = aspace::handle_fault(current_process()->as, addr, {(err & kPfWrite) != 0, false});
    if (f != aspace::Fault::kResolved) tf->rip = fixup;
    return;
  }
  if (layout::is_user_address(addr) && (err & kPfPresent) && g_smap_enabled) {
    fatal_exception(tf, addr, "SMAP violation: kernel access to user memory outside the copy routines");
  }
  fatal_exception(tf, addr, layout::is_user_address(addr) ? "kernel fault on a user address"
                                                          : "kernel page fault");
}

int signal_for(uint64_t vector) {
  switch (vector) {
    case 0: case 16: case 19: return uabi::kSigFpe;      // #DE #MF #XM
    case 1: case 3: return uabi::kSigTrap;               // #DB #BP
    case 6: case 7: return uabi::kSigIll;                // #UD, #NM (no FPU for users)
    case 11: case 12: case 17: return uabi::kSigBus;     // #NP #SS #AC
    default: return uabi::kSigSegv;                      // #GP and the rest
  }
}

const char* signal_name(int sig) {
  switch (sig) {
    case uabi::kSigFpe: return "SIGFPE";
    case uabi::kSigTrap: return "SIGTRAP";
    case uabi::kSigIll: return "SIGILL";
    case uabi::kSigBus: return "SIGBUS";
    default: return "SIGSEGV";
  }
}

}  // namespace

void page_fault(TrapFrame* tf) {
  uint64_t addr = x86::read_cr2();  // before anything can fault again
  if (from_user_mode(tf)) {
    user_page_fault(tf, addr);
  } else {
    kernel_page_fault(tf, addr);
  }
}

void user_exception(const TrapFrame* tf) {
  int sig = signal_for(tf->vector);
  kprintf("%s pid %u rip 0x%lx (vector %lu, error 0x%lx)\n", signal_name(sig),
          current_process()->pid, tf->rip, tf->vector, tf->error_code);
  kill_current(sig);
}
