#include "arch/x86/kernel/fatal_exception.h"

#include "arch/x86/cpu/percpu.h"
#include "arch/x86/include/x86.h"
#include "kernel/console.h"
#include "kernel/panic.h"

namespace {

// Mnemonics from Intel SDM vol 3, table 6-1 (21 #CP, 28-30 from AMD APM).
const char* const kExceptionNames[32] = {
    "#DE divide error",    "#DB debug",           "NMI",
    "#BP breakpoint",      "#OF overflow",        "#BR bound range",
    "#UD invalid opcode",  "#NM no math coprocessor", "#DF double fault",
    "coprocessor overrun", "#TS invalid TSS",     "#NP segment not present",
    "#SS stack fault",     "#GP general protection", "#PF page fault",
    "reserved 15",         "#MF x87 error",       "#AC alignment check",
    "#MC machine check",   "#XM SIMD exception",  "#VE virtualization",
    "#CP control protection", "reserved 22",      "reserved 23",
    "reserved 24",         "reserved 25",         "reserved 26",
    "reserved 27",         "#HV hypervisor injection", "#VC VMM communication",
    "#SX security",        "reserved 31",
};

void dump_registers(const TrapFrame* tf) {
  kprintf("trap: rip 0x%016lx cs 0x%lx rflags 0x%lx rsp 0x%016lx ss 0x%lx\n", tf->rip, tf->cs,
          tf->rflags, tf->rsp, tf->ss);
  kprintf("trap: rax 0x%016lx rbx 0x%016lx rcx 0x%016lx rdx 0x%016lx\n", tf->rax, tf->rbx,
          tf->rcx, tf->rdx);
  kprintf("trap: rsi 0x%016lx rdi 0x%016lx rbp 0x%016lx r8  0x%016lx\n", tf->rsi, tf->rdi,
          tf->rbp, tf->r8);
  kprintf("trap: r9  0x%016lx r10 0x%016lx r11 0x%016lx r12 0x%016lx\n", tf->r9, tf->r10,
          tf->r11, tf->r12);
  kprintf("trap: r13 0x%016lx r14 0x%016lx r15 0x%016lx cr3 0x%lx\n", tf->r13, tf->r14, tf->r15,
          x86::read_cr3());
}

}  // namespace

// A fault while dumping registers, or inside panic, must not dump again: go
// straight to panic, which bounds its own nesting.
void fatal_exception(const TrapFrame* tf, uint64_t cr2, const char* why) {
  Cpu* cpu = this_cpu();
  if (cpu->panic_depth == 0 && ++cpu->trap_depth == 1) {
    console_lock();
    kprintf("trap: vector %lu (%s) error 0x%lx rip 0x%lx cr2 0x%lx on cpu %u\n", tf->vector,
            kExceptionNames[tf->vector & 31], tf->error_code, tf->rip, cr2, cpu->id);
    dump_registers(tf);
    console_unlock();
  }
  panic("%s: %lu (%s) at rip 0x%lx", why, tf->vector, kExceptionNames[tf->vector & 31], tf->rip);
}

