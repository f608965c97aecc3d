#include "arch/x86/cpu/idt.h"

#include "arch/x86/cpu/gdt.h"

extern "C" const uint64_t trap_stub_table[256];  // arch/x86/kernel/vectors.S

namespace {

constexpr uint8_t kInterruptGate = 0x8E;  // P=1, DPL=0, type 0xE (SDM vol 3, 6.14.1)

// 64-bit IDT gate descriptor (SDM vol 3, figure 6-8).
struct [[gnu::packed]] Gate {
  uint16_t offset_low;
  uint16_t selector;
  uint8_t ist;
  uint8_t type_attr;
  uint16_t offset_mid;
  uint32_t offset_high;
  uint32_t reserved;
};
static_assert(sizeof(Gate) == 16);

struct [[gnu::packed]] IdtPointer {
  uint16_t limit;
  uint64_t base;
};

alignas(16) Gate g_idt[256];
InterruptHandler g_handlers[256];

// NMI, double fault and machine check run on their own IST stacks: they can
// arrive with the current stack unusable (SDM vol 3, 6.14.5).
uint8_t ist_for(uint32_t vector) {
  switch (vector) {
    case idt::kNmi: return gdt::kIstNmi;
    case idt::kDoubleFault: return gdt::kIstDoubleFault;
    case idt::kMachineCheck: return gdt::kIstMachineCheck;
    default: return 0;
  }
}

Gate make_gate(uint64_t handler, uint8_t ist) {
  Gate g{};
  g.offset_low = handler & 0xFFFF;
  g.selector = gdt::kKernelCs;
  g.ist = ist;
  g.type_attr = kInterruptGate;
  g.offset_mid = (handler >> 16) & 0xFFFF;
  g.offset_high = handler >> 32;
  return g;
}

}  // namespace

void idt_init() {
  for (uint32_t v = 0; v < 256; ++v) {
    g_idt[v] = make_gate(trap_stub_table[v], ist_for(v));
  }
}

void idt_load() {
  IdtPointer p{sizeof(g_idt) - 1, reinterpret_cast<uint64_t>(g_idt)};
  asm volatile("lidt %0" ::"m"(p));
}

void idt_set_handler(uint8_t vector, InterruptHandler handler) {
  __atomic_store_n(&g_handlers[vector], handler, __ATOMIC_RELEASE);
}

InterruptHandler idt_handler(uint8_t vector) {
  return __atomic_load_n(&g_handlers[vector], __ATOMIC_ACQUIRE);
}
