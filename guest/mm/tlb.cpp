#include "mm/tlb.h"

#include "arch/x86/cpu/idt.h"
#include "arch/x86/cpu/lapic.h"
#include "arch/x86/cpu/percpu.h"
#include "arch/x86/cpu/tsc.h"
#include "arch/x86/include/x86.h"
#include "kernel/panic.h"

namespace {

// Generous: a target may be a vCPU the host has descheduled for a while.
constexpr uint64_t kAckTimeoutUs = 5'000'000;

// Request generations rather than a flag: a target that flushes after
// reading generation g covers every request up to g, including page-table
// writes made just before that request; a plain flag could be cleared by a
// flush that began before the second of two requests.
struct alignas(64) FlushRequest {  // one cache line per CPU
  uint64_t requested;
  uint64_t done;
};
FlushRequest g_requests[kMaxCpus];

void on_ipi(TrapFrame*) {
  tlb_serve_pending();
  lapic_eoi();
}

void wait_for(uint32_t cpu, uint64_t generation) {
  uint64_t deadline = tsc_deadline_us(kAckTimeoutUs);
  while (__atomic_load_n(&g_requests[cpu].done, __ATOMIC_ACQUIRE) < generation) {
    tlb_serve_pending();
    if (tsc_passed(deadline) && !panic_in_progress()) {
      panic("tlb: cpu %u did not acknowledge a shootdown", cpu);
    }
    x86::pause();
  }
}

}  // namespace

void tlb_init() { idt_set_handler(idt::kTlbShootdown, on_ipi); }

void tlb_serve_pending() {
  FlushRequest& r = g_requests[this_cpu()->id];
  uint64_t gen = __atomic_load_n(&r.requested, __ATOMIC_ACQUIRE);
  if (__atomic_load_n(&r.done, __ATOMIC_RELAXED) >= gen) return;
  x86::flush_tlb();
  __atomic_store_n(&r.done, gen, __ATOMIC_RELEASE);  // only this CPU writes done
}

void tlb_shootdown(uint64_t cpu_mask) {
  uint32_t me = this_cpu()->id;
  cpu_mask &= ~(1ull << me);
  x86::flush_tlb();
  uint64_t generation[kMaxCpus];
  for (uint32_t c = 0; c < g_cpu_count; ++c) {
    if (!(cpu_mask & (1ull << c))) continue;
    generation[c] = __atomic_add_fetch(&g_requests[c].requested, 1, __ATOMIC_SEQ_CST);
    lapic_send_ipi(g_cpus[c].apic_id, idt::kTlbShootdown);
  }
  for (uint32_t c = 0; c < g_cpu_count; ++c) {
    if (cpu_mask & (1ull << c)) wait_for(c, generation[c]);
  }
}
