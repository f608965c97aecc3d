// trap(): the C++ side of every interrupt and exception (vectors.S saves
// the registers, arch/x86/include/trapframe.h describes them).
#include "arch/x86/include/trapframe.h"

#include "arch/x86/cpu/idt.h"
#include "arch/x86/cpu/lapic.h"
#include "arch/x86/cpu/percpu.h"
#include "arch/x86/include/x86.h"
#include "arch/x86/kernel/fatal_exception.h"
#include "arch/x86/kernel/fault.h"
#include "kernel/console.h"
#include "kernel/panic.h"
#include "sched/sched.h"

namespace {

void exception(TrapFrame* tf) {
  if (tf->vector == idt::kPageFault) {
    page_fault(tf);
  } else if (from_user_mode(tf) && tf->vector != idt::kDoubleFault &&
             tf->vector != idt::kMachineCheck) {
    user_exception(tf);
  } else {
    fatal_exception(tf, x86::read_cr2(), "unhandled exception");
  }
}

void nmi(const TrapFrame* tf) {
  if (panic_in_progress()) panic_stop_this_cpu();
  kprintf("trap: unexpected NMI on cpu %u at rip 0x%lx, ignored\n", this_cpu()->id, tf->rip);
}

void external_interrupt(TrapFrame* tf) {
  auto vector = static_cast<uint8_t>(tf->vector);
  // A spurious interrupt is not in service, so it gets no EOI (SDM vol 3,
  // 10.9).
  if (vector == idt::kSpurious) return;
  if (InterruptHandler h = idt_handler(vector)) {
    h(tf);
    return;
  }
  kprintf("trap: unexpected interrupt vector %u on cpu %u, ignored\n", vector, this_cpu()->id);
  lapic_eoi();
}

}  // namespace

extern "C" void trap(TrapFrame* tf) {
  Cpu* cpu = this_cpu();
  if (tf->vector < idt::kFirstExternal && tf->vector != idt::kNmi) ++cpu->exceptions; else ++cpu->interrupts;
  if (tf->vector == idt::kNmi) {
    nmi(tf);
    return;  // never schedule from NMI context
  }
  if (tf->vector < idt::kFirstExternal) {
    exception(tf);
  } else {
    external_interrupt(tf);
  }
  if (from_user_mode(tf)) sched_user_return();
}
