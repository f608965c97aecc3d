// AP start-up: Intel SDM vol 3, 8.4.4.1 ("Typical BSP Initialization
// Sequence"): INIT IPI, wait 10 ms, SIPI, wait 200 us, SIPI, wait 200 us,
// here sent to each AP by APIC ID. The SIPI vector is the trampoline's page
// number (10.6.1). An AP already running ignores the second SIPI.
#include "arch/x86/kernel/smp.h"

#include "arch/x86/cpu/gdt.h"
#include "arch/x86/cpu/idt.h"
#include "arch/x86/cpu/lapic.h"
#include "arch/x86/cpu/percpu.h"
#include "arch/x86/cpu/tsc.h"
#include "arch/x86/cpu_features.h"
#include "arch/x86/include/layout.h"
#include "arch/x86/include/x86.h"
#include "arch/x86/kernel/syscall_cpu.h"
#include "boot/cmdline.h"
#include "kernel/console.h"
#include "kernel/panic.h"
#include "lib/kstring.h"
#include "mm/kernel_page_tables.h"
#include "sched/sched.h"

extern "C" char trampoline_start[], trampoline_end[], trampoline_cr3[];

// Indexed by the 8-bit initial APIC ID; read by ap_start64.
extern "C" uint64_t ap_boot_stacks[256];
uint64_t ap_boot_stacks[256];

namespace {

constexpr uint64_t kInitDelayUs = 10'000;
constexpr uint64_t kStartupDelayUs = 200;
// Generous: on a loaded host (or a software-assisted hypervisor) an AP may
// take tens of milliseconds to get from SIPI to ap_main.
constexpr uint64_t kOnlineTimeoutUs = 5'000'000;
constexpr uint8_t kStartupVector = AP_TRAMPOLINE_PHYS >> 12;
static_assert(AP_TRAMPOLINE_PHYS % layout::kPageSize == 0 && AP_TRAMPOLINE_PHYS < 0x100000);

void install_trampoline() {
  size_t size = trampoline_end - trampoline_start;
  auto* dst = layout::phys_to_virt<char>(AP_TRAMPOLINE_PHYS);
  memcpy(dst, trampoline_start, size);
  auto cr3 = static_cast<uint32_t>(vm::kernel_pml4_phys());
  memcpy(dst + (trampoline_cr3 - trampoline_start), &cr3, sizeof(cr3));
}

// An AP we can address and whose stack ap_start64 can find.
bool startable(const Cpu& c) { return c.apic_id < 256 && c.apic_id <= lapic_max_apic_id(); }

uint32_t count_online() {
  uint32_t n = 0;
  for (uint32_t i = 0; i < g_cpu_count; ++i) n += __atomic_load_n(&g_cpus[i].online, __ATOMIC_ACQUIRE);
  return n;
}

void send_startup_sequence() {
  for (uint32_t i = 1; i < g_cpu_count; ++i) {
    if (startable(g_cpus[i])) lapic_send_init(g_cpus[i].apic_id);
  }
  udelay(kInitDelayUs);
  for (int round = 0; round < 2; ++round) {
    for (uint32_t i = 1; i < g_cpu_count; ++i) {
      if (startable(g_cpus[i])) lapic_send_startup(g_cpus[i].apic_id, kStartupVector);
    }
    udelay(kStartupDelayUs);
  }
}

void wait_for_aps() {
  uint64_t deadline = tsc_deadline_us(kOnlineTimeoutUs);
  while (count_online() < g_cpu_count && !tsc_passed(deadline)) x86::pause();
}

// APs that did not come: INIT puts them back into wait-for-SIPI, so a late
// one cannot run the trampoline after the identity map is gone.
void report_stragglers() {
  for (uint32_t i = 1; i < g_cpu_count; ++i) {
    const Cpu& c = g_cpus[i];
    if (c.online) continue;
    if (startable(c)) lapic_send_init(c.apic_id);
    kprintf("smp: cpu %u (apic %u) did not start\n", c.id, c.apic_id);
  }
}

}  // namespace

uint32_t smp_boot() {
  if (g_cpu_count > 1) {
    install_trampoline();
    for (uint32_t i = 1; i < g_cpu_count; ++i) {
      if (startable(g_cpus[i])) ap_boot_stacks[g_cpus[i].apic_id] = kernel_stack_top(i);
    }
    send_startup_sequence();
    wait_for_aps();
  }
  uint32_t online = count_online();
  kprintf("smp: %u of %u CPUs online\n", online, g_cpu_count);
  report_stragglers();
  return online;
}

extern "C" void ap_main(uint32_t apic_id) {
  Cpu* c = cpu_by_apic_id(apic_id);
  if (c == nullptr) x86::halt_forever();  // cannot happen: we set its stack
  percpu_load(*c);
  gdt_init(*c);
  idt_load();
  lapic_init();
  cpu_features_enable();
  syscall_init_cpu();
  sched_init_cpu();
  // Print before marking online, so "smp: N of M" follows every such line.
  kprintf("cpu %u online (apic %u)\n", c->id, apic_id);
  // seq_cst pairs with panic(): either the panicking CPU sees us online and
  // sends the stop NMI, or we see its panic here and stop ourselves.
  __atomic_store_n(&c->online, true, __ATOMIC_SEQ_CST);
  if (panic_in_progress()) panic_stop_this_cpu();
  Str v;
  if (c->id == g_cpu_count - 1 && cmdline::get("panic", &v) && v == "ap") {
    panic("requested by panic=ap");  // test hook: a panic on an AP
  }
  sched_idle_loop();
}
