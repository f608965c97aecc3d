#include "arch/x86/platform/ioapic.h"

#include "arch/x86/include/layout.h"
#include "arch/x86/include/x86.h"
#include "arch/x86/platform/acpi.h"
#include "kernel/console.h"
#include "lib/spinlock.h"

namespace ioapic {
namespace {

constexpr uint32_t kRegSel = 0x00;
constexpr uint32_t kRegWin = 0x10;
constexpr uint32_t kRegVersion = 0x01;
constexpr uint32_t kRegRedirBase = 0x10;
// Redirection entry bits (datasheet 3.2.4).
constexpr uint64_t kActiveLow = 1ull << 13;
constexpr uint64_t kLevel = 1ull << 15;
constexpr uint64_t kMasked = 1ull << 16;
constexpr int kDestShift = 56;

struct Chip {
  uint64_t mmio;  // virtual address (uncached direct map)
  uint32_t gsi_base;
  uint32_t pins;
};

Chip g_chips[acpi::kMaxIoapics];
uint32_t g_chip_count;
constinit SpinLock g_lock;  // IOREGSEL/IOWIN is a two-step access

uint32_t read(const Chip& c, uint32_t reg) {
  x86::mmio_write32(c.mmio + kRegSel, reg);
  return x86::mmio_read32(c.mmio + kRegWin);
}

void write(const Chip& c, uint32_t reg, uint32_t v) {
  x86::mmio_write32(c.mmio + kRegSel, reg);
  x86::mmio_write32(c.mmio + kRegWin, v);
}

void write_entry(const Chip& c, uint32_t pin, uint64_t e) {
  // Mask first (low word carries the mask bit), destination, then the rest.
  write(c, kRegRedirBase + 2 * pin, static_cast<uint32_t>(kMasked));
  write(c, kRegRedirBase + 2 * pin + 1, static_cast<uint32_t>(e >> 32));
  write(c, kRegRedirBase + 2 * pin, static_cast<uint32_t>(e));
}

const Chip* chip_for(uint32_t gsi) {
  for (uint32_t i = 0; i < g_chip_count; ++i) {
    const Chip& c = g_chips[i];
    if (gsi >= c.gsi_base && gsi < c.gsi_base + c.pins) return &c;
  }
  return nullptr;
}

}  // namespace

void init() {
  for (uint32_t i = 0; i < acpi::g_info.ioapic_count; ++i) {
    Chip& c = g_chips[g_chip_count++];
    c.mmio = layout::kDirectMapBase + acpi::g_info.ioapics[i].phys;
    c.gsi_base = acpi::g_info.ioapics[i].gsi_base;
    c.pins = ((read(c, kRegVersion) >> 16) & 0xFF) + 1;  // max redirection entry + 1
    for (uint32_t pin = 0; pin < c.pins; ++pin) write_entry(c, pin, kMasked);
  }
}

Status route(uint32_t gsi, uint8_t vector, uint32_t apic_id, bool level, bool active_low,
             bool masked) {
  const Chip* c = chip_for(gsi);
  if (c == nullptr) return Status::error("ioapic: no IOAPIC has this GSI");
  if (apic_id > 0xFF) return Status::error("ioapic: destination APIC ID above 255");
  uint64_t e = vector | (uint64_t{apic_id} << kDestShift);
  if (level) e |= kLevel;
  if (active_low) e |= kActiveLow;
  if (masked) e |= kMasked;
  SpinLocker lock(g_lock);
  write_entry(*c, gsi - c->gsi_base, e);
  return Status::ok();
}

Status set_masked(uint32_t gsi, bool masked) {
  const Chip* c = chip_for(gsi);
  if (c == nullptr) return Status::error("ioapic: no IOAPIC has this GSI");
  SpinLocker lock(g_lock);
  uint32_t reg = kRegRedirBase + 2 * (gsi - c->gsi_base);
  uint32_t low = read(*c, reg);
  write(*c, reg, masked ? (low | static_cast<uint32_t>(kMasked)) : (low & ~static_cast<uint32_t>(kMasked)));
  return Status::ok();
}

}  // namespace ioapic
