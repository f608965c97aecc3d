#include "arch/x86/platform/irq.h"

#include "arch/x86/cpu/idt.h"
#include "arch/x86/cpu/lapic.h"
#include "arch/x86/cpu/percpu.h"
#include "arch/x86/include/trapframe.h"
#include "arch/x86/platform/acpi.h"
#include "arch/x86/platform/ioapic.h"
#include "lib/spinlock.h"

namespace {

struct Route {
  IrqHandler handler;
  void* ctx;
};

constinit SpinLock g_lock;
Route g_routes[256];  // by vector
uint8_t g_next_vector = idt::kFirstDevice;

void dispatch(TrapFrame* tf) {
  const Route& r = g_routes[tf->vector];
  r.handler(r.ctx);
  lapic_eoi();
}

// MPS INTI flags of an override (ACPI 6.5, table 5.26): polarity in bits
// 1:0, trigger mode in bits 3:2; 0 = the bus's default, 3 = low / level.
Polarity override_polarity(uint16_t flags) {
  return (flags & 3) == 3 ? Polarity::kActiveLow : Polarity::kActiveHigh;
}
Trigger override_trigger(uint16_t flags) {
  return ((flags >> 2) & 3) == 3 ? Trigger::kLevel : Trigger::kEdge;
}

}  // namespace

Status irq_route_gsi(uint32_t gsi, Trigger trigger, Polarity polarity, IrqHandler handler,
                     void* ctx, uint32_t cpu) {
  if (cpu >= g_cpu_count) return Status::error("irq: no such cpu");
  uint8_t vector;
  {
    SpinLocker lock(g_lock);
    if (g_next_vector > idt::kLastDevice) return Status::error("irq: out of vectors");
    vector = g_next_vector++;
    g_routes[vector] = {handler, ctx};
  }
  idt_set_handler(vector, dispatch);
  return ioapic::route(gsi, vector, g_cpus[cpu].apic_id, trigger == Trigger::kLevel,
                       polarity == Polarity::kActiveLow, false);
}

Status irq_route_isa(uint8_t isa_irq, IrqHandler handler, void* ctx, uint32_t cpu) {
  uint32_t gsi = isa_irq;
  Trigger trigger = Trigger::kEdge;
  Polarity polarity = Polarity::kActiveHigh;
  for (uint32_t i = 0; i < acpi::g_info.override_count; ++i) {
    const acpi::InterruptOverride& o = acpi::g_info.overrides[i];
    if (o.source_irq != isa_irq) continue;
    gsi = o.gsi;
    trigger = override_trigger(o.flags);
    polarity = override_polarity(o.flags);
  }
  return irq_route_gsi(gsi, trigger, polarity, handler, ctx, cpu);
}

Status irq_mask(uint32_t gsi) { return ioapic::set_masked(gsi, true); }
Status irq_unmask(uint32_t gsi) { return ioapic::set_masked(gsi, false); }
