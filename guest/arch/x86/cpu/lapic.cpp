#include "arch/x86/cpu/lapic.h"

#include "arch/x86/cpu/idt.h"
#include "arch/x86/cpu/tsc.h"
#include "arch/x86/include/layout.h"
#include "arch/x86/include/x86.h"
#include "lib/spinlock.h"

namespace {

// Register offsets in the xAPIC page (SDM vol 3, table 10-1). In x2APIC
// mode register r is MSR 0x800 + (r >> 4) (SDM vol 3, table 10-6).
constexpr uint32_t kRegId = 0x20;
constexpr uint32_t kRegTpr = 0x80;
constexpr uint32_t kRegEoi = 0xB0;
constexpr uint32_t kRegSvr = 0xF0;
constexpr uint32_t kRegIcrLow = 0x300;
constexpr uint32_t kRegIcrHigh = 0x310;
constexpr uint32_t kX2apicMsrBase = 0x800;

constexpr uint64_t kApicBaseEnable = 1u << 11;  // IA32_APIC_BASE.EN
constexpr uint64_t kApicBaseX2apic = 1u << 10;  // IA32_APIC_BASE.EXTD
constexpr uint64_t kApicBaseAddrMask = 0x000FFFFFFFFFF000;

constexpr uint32_t kSvrEnable = 1u << 8;
// ICR fields (SDM vol 3, 10.6.1, figure 10-12).
constexpr uint32_t kIcrDeliveryInit = 5u << 8;
constexpr uint32_t kIcrDeliveryStartup = 6u << 8;
constexpr uint32_t kIcrDeliveryNmi = 4u << 8;
constexpr uint32_t kIcrDeliveryPending = 1u << 12;
constexpr uint32_t kIcrLevelAssert = 1u << 14;

constexpr uint64_t kIcrIdleWaitUs = 100'000;

bool g_ready = false;
bool g_x2apic = false;
uint64_t g_mmio = 0;  // virtual address of the xAPIC page

uint32_t read_reg(uint32_t reg) {
  if (g_x2apic) return static_cast<uint32_t>(x86::rdmsr(kX2apicMsrBase + (reg >> 4)));
  return x86::mmio_read32(g_mmio + reg);
}

void write_reg(uint32_t reg, uint32_t v) {
  if (g_x2apic) {
    x86::wrmsr(kX2apicMsrBase + (reg >> 4), v);
  } else {
    x86::mmio_write32(g_mmio + reg, v);
  }
}

// xAPIC: wait until the previous IPI has been accepted before writing the
// ICR again (delivery status bit). Bounded: a wedged APIC must not hang panic.
void wait_icr_idle() {
  uint64_t deadline = tsc_deadline_us(kIcrIdleWaitUs);
  while (read_reg(kRegIcrLow) & kIcrDeliveryPending) {
    if (tsc_passed(deadline)) return;
    x86::pause();
  }
}

void send_ipi(uint32_t apic_id, uint32_t icr_low) {
  if (!g_ready) return;
  // xAPIC needs two writes: an interrupt handler sending its own IPI in
  // between would change the destination.
  InterruptsOff irq_off;
  if (g_x2apic) {
    // x2APIC: one 64-bit ICR MSR, destination in bits 63:32 (SDM 10.12.9).
    x86::wrmsr(kX2apicMsrBase + (kRegIcrLow >> 4), (uint64_t{apic_id} << 32) | icr_low);
    return;
  }
  wait_icr_idle();
  write_reg(kRegIcrHigh, apic_id << 24);
  write_reg(kRegIcrLow, icr_low);  // writing the low half sends
  wait_icr_idle();
}

void choose_mode() {
  uint64_t base = x86::rdmsr(x86::kMsrApicBase);
  g_x2apic = (base & kApicBaseX2apic) != 0;
  g_mmio = layout::kDirectMapBase + (base & kApicBaseAddrMask);
}

}  // namespace

void lapic_init() {
  if (!g_ready) choose_mode();
  // All CPUs use the boot CPU's mode; an AP may come out of INIT in xAPIC
  // mode (x2APIC is entered from xAPIC by setting EN and EXTD, SDM 10.12.5).
  uint64_t base = x86::rdmsr(x86::kMsrApicBase);
  uint64_t want = base | kApicBaseEnable | (g_x2apic ? kApicBaseX2apic : 0);
  if (want != base) x86::wrmsr(x86::kMsrApicBase, want);
  write_reg(kRegTpr, 0);  // accept every interrupt priority
  write_reg(kRegSvr, kSvrEnable | idt::kSpurious);
  g_ready = true;
}

bool lapic_ready() { return g_ready; }

uint32_t lapic_id() {
  uint32_t id = read_reg(kRegId);
  return g_x2apic ? id : id >> 24;  // xAPIC: ID in bits 31:24
}

void lapic_eoi() {
  if (g_ready) write_reg(kRegEoi, 0);
}

void lapic_send_init(uint32_t apic_id) { send_ipi(apic_id, kIcrDeliveryInit | kIcrLevelAssert); }

void lapic_send_startup(uint32_t apic_id, uint8_t vector) {
  send_ipi(apic_id, kIcrDeliveryStartup | kIcrLevelAssert | vector);
}

void lapic_send_nmi(uint32_t apic_id) { send_ipi(apic_id, kIcrDeliveryNmi | kIcrLevelAssert); }

void lapic_send_ipi(uint32_t apic_id, uint8_t vector) { send_ipi(apic_id, kIcrLevelAssert | vector); }

uint32_t lapic_read(uint32_t reg) { return read_reg(reg); }
void lapic_write(uint32_t reg, uint32_t value) { write_reg(reg, value); }

uint32_t lapic_max_apic_id() { return g_x2apic ? 0xFFFFFFFE : 0xFE; }
