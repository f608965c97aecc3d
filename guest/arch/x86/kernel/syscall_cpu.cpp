#include "arch/x86/kernel/syscall_cpu.h"

#include "arch/x86/cpu/gdt.h"
#include "arch/x86/include/layout.h"
#include "arch/x86/include/x86.h"
#include "kernel/console.h"
#include "kernel/panic.h"
#include "sys/syscall.h"

extern "C" char syscall_entry[];  // syscall_entry.S

namespace {

// RFLAGS bits a user program may hold: CF PF AF ZF SF TF DF OF AC ID (no
// IOPL, NT, VM, RF; IF is forced on).
constexpr uint64_t kUserRflags = 0x240DD5;

// IA32_FMASK: RFLAGS bits SYSCALL clears (SDM vol 2, SYSCALL): IF (entry
// runs with interrupts off until it is on the kernel stack), TF, DF (the
// ABI wants it clear), AC (SMAP stays armed), NT, IOPL.
constexpr uint64_t kFmask = (1u << 8) | (1u << 9) | (1u << 10) | (3u << 12) | (1u << 14) |
                            (1u << 18);

}  // namespace

void syscall_init_cpu() {
  x86::wrmsr(x86::kMsrStar, uint64_t{gdt::kStarHigh} << 32);
  x86::wrmsr(x86::kMsrLstar, reinterpret_cast<uint64_t>(syscall_entry));
  x86::wrmsr(x86::kMsrFmask, kFmask);
}

// Some hypervisors emulate SYSCALL from user mode only in part: they load
// RIP from IA32_LSTAR, save RCX and R11 and apply IA32_FMASK, but leave the
// vCPU in ring 3 (seen on this project's development host, KVM's PVM
// module in "native" mode). The first instruction fetch at syscall_entry
// then faults as a user access to a supervisor page, and that fault's frame
// holds exactly what SYSCALL would have handed over: the user's registers,
// RCX = return RIP, R11 = RFLAGS. So the system call is finished here and
// returns through IRETQ instead of SYSRET. A program that jumps to
// syscall_entry on purpose gains nothing: it is what `syscall` does.
bool syscall_recover_from_fault(TrapFrame* tf) {
  constexpr uint64_t kUserFetch = (1u << 2) | (1u << 4);  // #PF error code U and I/D
  if (tf->rip != reinterpret_cast<uint64_t>(syscall_entry) ||
      (tf->error_code & kUserFetch) != kUserFetch || !layout::is_user_address(tf->rcx)) {
    return false;
  }
  static bool noted = false;
  if (!__atomic_exchange_n(&noted, true, __ATOMIC_RELAXED)) {
    kprintf("syscall: SYSCALL arrived in ring 3 (hypervisor quirk); completing it from #PF\n");
  }
  tf->rip = tf->rcx;
  tf->rflags = (tf->r11 & kUserRflags) | x86::kRflagsIf | 0x2;
  syscall_run(tf);
  return true;
}

extern "C" [[noreturn]] void syscall_bad_return_panic(const TrapFrame* tf) {
  panic("syscall: return to non-user rip 0x%lx", tf->rip);
}

