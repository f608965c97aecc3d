#include "arch/x86/cpu/percpu.h"

#include "arch/x86/include/x86.h"

Cpu g_cpus[kMaxCpus];
uint32_t g_cpu_count = 1;

// The boot CPU runs on boot_stack (arch/x86/kernel/entry.S); the others on kernel_stacks.
extern "C" char boot_stack_top[];
alignas(16) static uint8_t kernel_stacks[kMaxCpus][KERNEL_STACK_SIZE];
alignas(16) static uint8_t ist_stacks[kMaxCpus][gdt::kIstSlots][kIstStackSize];

uint64_t kernel_stack_top(uint32_t id) {
  if (id == 0) return reinterpret_cast<uint64_t>(boot_stack_top);
  return reinterpret_cast<uint64_t>(&kernel_stacks[id][KERNEL_STACK_SIZE]);
}

uint64_t ist_stack_top(uint32_t id, uint32_t slot) {
  return reinterpret_cast<uint64_t>(&ist_stacks[id][slot - 1][kIstStackSize]);
}

void percpu_load(Cpu& cpu) {
  cpu.self = &cpu;
  x86::wrmsr(x86::kMsrGsBase, reinterpret_cast<uint64_t>(&cpu));
  // SWAPGS exchanges GS base with this MSR; user mode starts with 0.
  x86::wrmsr(x86::kMsrKernelGsBase, 0);
}

void percpu_init_boot(uint32_t apic_id) {
  Cpu& c = g_cpus[0];
  c.id = 0;
  c.apic_id = apic_id;
  c.present = true;
  c.kernel_rsp = kernel_stack_top(0);
  percpu_load(c);
}

Cpu* cpu_by_apic_id(uint32_t apic_id) {
  for (uint32_t i = 0; i < g_cpu_count; ++i) {
    if (g_cpus[i].present && g_cpus[i].apic_id == apic_id) return &g_cpus[i];
  }
  return nullptr;
}
