// Per-CPU data. Each CPU's GS base points at its Cpu (set once at start-up),
// so this_cpu() is one gs-relative load. The first fields are read by
// arch/x86/kernel/syscall_entry.S, so their offsets are fixed.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "arch/x86/cpu/gdt.h"
#include "arch/x86/include/layout.h"

inline constexpr uint32_t kMaxCpus = 64;
inline constexpr uint32_t kIstStackSize = 8192;

struct Thread;

struct Cpu {
  Cpu* self;            // gs:0  — lets C++ read the Cpu's own address
  uint64_t kernel_rsp;  // gs:8  — top of the current thread's kernel stack
  uint64_t scratch;     // gs:16 — the syscall entry saves the user RSP here
  Thread* current;      // the thread running here (its idle thread if none)
  bool need_resched;    // switch threads before returning to user mode
  uint32_t id;          // 0 = boot CPU, then MADT order
  uint32_t apic_id;
  bool present;         // listed (enabled) in the MADT
  volatile bool online;   // reached ap_main / kmain
  volatile bool stopped;  // halted by panic
  int panic_depth;      // nesting of panic() on this CPU
  int trap_depth;       // nesting of fatal exceptions on this CPU
  // Every way into the kernel on this CPU, counted by this CPU only: on a
  // host that emulates the guest kernel each is a VM exit at least (kdebug
  // kKdebugKernelEntries; issue 18, "quiet while polling").
  uint64_t syscalls;
  uint64_t interrupts;  // external interrupts, IPIs and NMIs
  uint64_t exceptions;  // page faults included
  gdt::Tss tss;
  uint64_t gdt[gdt::kEntries];
};
static_assert(offsetof(Cpu, self) == 0);
static_assert(offsetof(Cpu, kernel_rsp) == 8);
static_assert(offsetof(Cpu, scratch) == 16);

extern Cpu g_cpus[kMaxCpus];
extern uint32_t g_cpu_count;  // Cpu entries in use (present CPUs)

inline Cpu* this_cpu() {
  Cpu* c;
  asm volatile("mov %%gs:0, %0" : "=r"(c));
  return c;
}

// Sets up the boot CPU's Cpu (id 0) and points GS at it. Must run before
// anything that takes a lock or prints.
void percpu_init_boot(uint32_t apic_id);
// Points this CPU's GS base at cpu (used by APs).
void percpu_load(Cpu& cpu);
// Top of the kernel stack and of IST stack `slot` (1-based) of CPU id.
uint64_t kernel_stack_top(uint32_t id);
uint64_t ist_stack_top(uint32_t id, uint32_t slot);
// The Cpu with this APIC ID, or nullptr.
Cpu* cpu_by_apic_id(uint32_t apic_id);
