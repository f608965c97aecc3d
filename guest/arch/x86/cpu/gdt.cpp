// Builds and loads a CPU's GDT and TSS. Every CPU has its own pair because
// the TSS holds per-CPU stacks and a TSS descriptor is marked busy by ltr.
#include "arch/x86/cpu/gdt.h"

#include "arch/x86/cpu/percpu.h"
#include "lib/kstring.h"

namespace {

// Code/data descriptors (SDM vol 3, 3.4.5). In 64-bit mode base and limit
// are ignored; what matters: P, DPL, S, type, and L (64-bit code).
constexpr uint64_t kKernelCode64 = 0x00AF9A000000FFFF;  // P DPL0 code R/X, L=1
constexpr uint64_t kKernelData = 0x00CF92000000FFFF;    // P DPL0 data R/W
constexpr uint64_t kUserData = 0x00CFF2000000FFFF;      // P DPL3 data R/W
constexpr uint64_t kUserCode64 = 0x00AFFA000000FFFF;    // P DPL3 code R/X, L=1

// Low and high quadwords of a 64-bit available-TSS descriptor (SDM vol 3,
// 8.2.3, figure 8-4: type 0x9 = available 64-bit TSS).
uint64_t tss_low(uint64_t base, uint32_t limit) {
  return (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (uint64_t{0x89} << 40) |
         (uint64_t((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
}
uint64_t tss_high(uint64_t base) { return base >> 32; }

struct [[gnu::packed]] DescriptorTablePointer {
  uint16_t limit;
  uint64_t base;
};

void fill_tss(Cpu& cpu) {
  memset(&cpu.tss, 0, sizeof(cpu.tss));
  cpu.tss.rsp[0] = kernel_stack_top(cpu.id);
  for (uint32_t slot = 1; slot <= gdt::kIstSlots; ++slot) {
    cpu.tss.ist[slot - 1] = ist_stack_top(cpu.id, slot);
  }
  cpu.tss.iomap_base = sizeof(gdt::Tss);
}

void fill_gdt(Cpu& cpu) {
  auto base = reinterpret_cast<uint64_t>(&cpu.tss);
  cpu.gdt[0] = 0;
  cpu.gdt[1] = kKernelCode64;
  cpu.gdt[2] = kKernelData;
  cpu.gdt[3] = kUserData;
  cpu.gdt[4] = kUserCode64;
  cpu.gdt[5] = tss_low(base, sizeof(gdt::Tss) - 1);
  cpu.gdt[6] = tss_high(base);
}

// lgdt, then reload CS with a far return (there is no far jump with an
// immediate in 64-bit mode) and the data segment registers.
void load_gdt(Cpu& cpu) {
  DescriptorTablePointer p{sizeof(cpu.gdt) - 1, reinterpret_cast<uint64_t>(cpu.gdt)};
  asm volatile(
      "lgdt %0\n\t"
      "pushq %1\n\t"
      "leaq 1f(%%rip), %%rax\n\t"
      "pushq %%rax\n\t"
      "lretq\n"
      "1:\n\t"
      "movw %w2, %%ds\n\t"
      "movw %w2, %%es\n\t"
      "movw %w2, %%ss\n\t"
      :
      : "m"(p), "i"(uint64_t{gdt::kKernelCs}), "r"(uint32_t{gdt::kKernelDs})
      : "rax", "memory");
  // FS and GS selectors stay null: their bases come from MSRs, and loading a
  // selector would clobber the GS base (SDM vol 3, 3.4.4.1).
  asm volatile("ltr %w0" ::"r"(uint32_t{gdt::kTss}));
}

}  // namespace

void gdt_init(Cpu& cpu) {
  fill_tss(cpu);
  fill_gdt(cpu);
  load_gdt(cpu);
}
