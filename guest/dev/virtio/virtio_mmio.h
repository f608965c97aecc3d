// The virtio-mmio transport, driver side (virtio 1.2 §4.2): discovery of
// the devices the kernel command line announces, and MmioTransport, the
// register block of one device reached through the direct map (uncached
// in the 3..4 GiB device hole, guest/mm/kernel_page_tables.cpp).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/status.h"

namespace virtio {

struct MmioDeviceInfo {
  uint64_t phys;  // register block (need not be page-aligned: QEMU uses 0xfeb00e00)
  uint64_t size;  // window size, >= 0x100 (the control registers)
  uint32_t gsi;
};

// Every `virtio_mmio.device=SIZE@ADDR:GSI` word of the kernel command line
// (SIZE decimal with optional K/M/G suffix, ADDR hex with 0x, GSI decimal,
// an optional `:ID` after it ignored as Linux does; exactly the string QEMU
// microvm and our VMM pass, e.g. virtio_mmio.device=4K@0xd0000000:5).
// Malformed words are reported once on the console and skipped.
size_t discover_mmio(MmioDeviceInfo* out, size_t max);
// The parser behind it, for one value (the text after '=').
bool parse_mmio_device(const char* text, size_t len, MmioDeviceInfo* out);

// Register offsets (virtio 1.2 §4.2.2, "MMIO Device Register Layout").
namespace mmio {
inline constexpr uint32_t kMagicValue = 0x000;
inline constexpr uint32_t kVersion = 0x004;
inline constexpr uint32_t kDeviceId = 0x008;
inline constexpr uint32_t kVendorId = 0x00c;
inline constexpr uint32_t kDeviceFeatures = 0x010;
inline constexpr uint32_t kDeviceFeaturesSel = 0x014;
inline constexpr uint32_t kDriverFeatures = 0x020;
inline constexpr uint32_t kDriverFeaturesSel = 0x024;
inline constexpr uint32_t kQueueSel = 0x030;
inline constexpr uint32_t kQueueNumMax = 0x034;
inline constexpr uint32_t kQueueNum = 0x038;
inline constexpr uint32_t kQueueReady = 0x044;
inline constexpr uint32_t kQueueNotify = 0x050;
inline constexpr uint32_t kInterruptStatus = 0x060;
inline constexpr uint32_t kInterruptAck = 0x064;
inline constexpr uint32_t kStatus = 0x070;
inline constexpr uint32_t kQueueDescLow = 0x080;
inline constexpr uint32_t kQueueDescHigh = 0x084;
inline constexpr uint32_t kQueueDriverLow = 0x090;
inline constexpr uint32_t kQueueDriverHigh = 0x094;
inline constexpr uint32_t kQueueDeviceLow = 0x0a0;
inline constexpr uint32_t kQueueDeviceHigh = 0x0a4;
inline constexpr uint32_t kConfigGeneration = 0x0fc;
inline constexpr uint32_t kConfig = 0x100;

inline constexpr uint32_t kMagic = 0x74726976;  // "virt", little-endian
inline constexpr uint32_t kModernVersion = 2;   // 1 = legacy (virtio 1.2 §4.2.4)

// InterruptStatus / InterruptACK bits (§4.2.2).
inline constexpr uint32_t kInterruptUsedBuffer = 1;
inline constexpr uint32_t kInterruptConfigChange = 2;
}  // namespace mmio

class MmioTransport {
 public:
  MmioTransport() = default;
  explicit MmioTransport(const MmioDeviceInfo& info);

  // "The driver MUST only use 32 bit wide and aligned reads and writes to
  // access the control registers" (§4.2.2.2).
  uint32_t read(uint32_t reg) const;
  void write(uint32_t reg, uint32_t value) const;

  // Magic and version; the DeviceID through *device_id.
  Status identify(uint32_t* device_id) const;
  // Writes 0 to Status and waits (bounded) until it reads 0 (§2.4.2).
  Status reset() const;
  uint32_t status() const { return read(mmio::kStatus); }
  // Status is written whole; the driver never clears a bit (§2.1.1).
  void add_status(uint32_t bits) const { write(mmio::kStatus, status() | bits); }
  uint64_t device_features() const;
  void set_driver_features(uint64_t features) const;

  // Selects queue `index` and returns its QueueNumMax, 0 if the queue is
  // missing or already live (§4.2.3.2 steps 1-3).
  uint32_t select_queue(uint16_t index) const;
  // For the selected queue: QueueNum, the three areas, QueueReady = 1
  // (§4.2.3.2 steps 5-7).
  void activate_queue(uint16_t size, uint64_t desc, uint64_t driver, uint64_t device) const;
  // "the value written is the queue index" without NOTIFICATION_DATA (§4.2.2).
  void notify(uint16_t queue) const { write(mmio::kQueueNotify, queue); }

  // Device configuration space, at the field's own width (§4.2.2.2). Use
  // inside a config_generation() loop (§2.5.1, read_config_stable).
  uint8_t config8(uint32_t offset) const;
  uint16_t config16(uint32_t offset) const;
  uint32_t config_generation() const { return read(mmio::kConfigGeneration); }
  bool config_fits(uint32_t offset, uint32_t width) const;

 private:
  uint64_t base_ = 0;  // virtual address of the register block
  uint64_t size_ = 0;
};

// Reads the configuration through read(ctx) until ConfigGeneration is the
// same before and after (virtio 1.2 §2.5.1: "drivers MUST ... read
// config_generation before and after reading the configuration space";
// a device changes it when the fields it covers change). Bounded: a
// device that never settles leaves the last read.
template <typename Fn>
void read_config_stable(const MmioTransport& t, Fn read) {
  for (int attempt = 0; attempt < 16; ++attempt) {
    uint32_t before = t.config_generation();
    read();
    if (t.config_generation() == before) return;
  }
}

}  // namespace virtio
