// kmain: the boot CPU's path from arch/x86/kernel/entry.S to "boot: ok", then to init and
// its idle loop.
#include "arch/x86/cpu/gdt.h"
#include "arch/x86/cpu/idt.h"
#include "arch/x86/cpu/lapic.h"
#include "arch/x86/cpu/percpu.h"
#include "arch/x86/cpu/tsc.h"
#include "arch/x86/cpu_features.h"
#include "arch/x86/include/x86.h"
#include "arch/x86/kernel/smp.h"
#include "arch/x86/kernel/syscall_cpu.h"
#include "arch/x86/platform/acpi.h"
#include "arch/x86/platform/ioapic.h"
#include "boot/bootinfo.h"
#include "boot/cmdline.h"
#include "dev/tty.h"
#include "init/init.h"
#include "kernel/clock.h"
#include "kernel/console.h"
#include "kernel/panic.h"
#include "mm/extable.h"
#include "mm/kernel_page_tables.h"
#include "mm/pmm.h"
#include "mm/tlb.h"
#include "mm/uaccess.h"
#include "netglue/netif.h"
#include "proc/user_thread.h"
#include "sched/idle.h"
#include "sched/sched.h"

namespace {

// The 8259 PICs exist (KVM's in-kernel irqchip has them) but the kernel
// uses the local APIC and IOAPIC: mask every PIC line (OCW1 = 0xff).
void mask_legacy_pic() {
  x86::outb(0x21, 0xFF);
  x86::outb(0xA1, 0xFF);
}

void check(Status s) {
  if (!s.is_ok()) panic("%s", s.message());
}

void boot_cpu_setup() {
  // CPUID.01H:EBX[31:24]: initial APIC ID, readable before the local APIC
  // is mapped; replaced by the APIC's own ID register later.
  percpu_init_boot(x86::cpuid(1).ebx >> 24);
  console_init();
  gdt_init(g_cpus[0]);
  idt_init();
  idt_load();
}

void calibrate_time() {
  if (tsc_calibrate()) {
    kprintf("tsc: %lu MHz\n", tsc_hz() / 1'000'000);
  } else {
    kprintf("tsc: PIT calibration failed, assuming %lu MHz\n", tsc_hz() / 1'000'000);
  }
}

// Test hooks for the panic path, run after SMP start-up: panic=now panics,
// panic=fault takes a page fault, panic=nested faults inside panic (panic=ap
// is in arch/x86/kernel/smp.cpp).
void run_panic_test() {
  Str v;
  if (!cmdline::get("panic", &v)) return;
  if (v == "now") panic("requested by panic=now");
  if (v == "nested") panic("%s", reinterpret_cast<const char*>(0x0000400000000000));
  if (v == "fault") {
    kprintf("boot: faulting on purpose (panic=fault)\n");
    constexpr uint64_t kUnmapped = 0x0000400000000000;  // lower half: empty now
    *reinterpret_cast<volatile uint64_t*>(kUnmapped) = 1;
  }
}

// Memory, protection and the machinery user programs need, before any AP
// starts (they share all of it).
void kernel_setup() {
  cpu_features_detect();
  cpu_features_enable();
  g_smap_enabled = g_cpu_features.smap;
  clock_init();
  check(pmm::init());
  extable_init();
  ioapic::init();
  tlb_init();
  syscall_init_cpu();
  user_threads_init();
  sched_init_cpu();
}

}  // namespace

extern "C" [[noreturn]] void kmain(uint64_t start_info_phys) {
  boot_cpu_setup();
  kprintf("boot: guest kernel starting\n");
  check(bootinfo_copy(start_info_phys));
  cmdline::parse(g_boot.cmdline);
  bootinfo_apply_mem_option();
  bootinfo_print();
  idle_init();
  check(vm::init());
  mask_legacy_pic();
  lapic_init();
  g_cpus[0].apic_id = lapic_id();  // authoritative, unlike CPUID's copy
  check(acpi::init(g_boot.rsdp_phys, g_cpus[0].apic_id));
  acpi::print();
  calibrate_time();
  kernel_setup();
  kprintf("cpu 0 online (apic %u)\n", g_cpus[0].apic_id);
  g_cpus[0].online = true;
  smp_boot();
  vm::drop_identity_map();
  run_panic_test();
  tty_init();
  net_init();
  kprintf("boot: ok\n");
  init_start();
  sched_idle_loop();
}
