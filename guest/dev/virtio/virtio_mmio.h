// The virtio-mmio transport, driver side (virtio 1.2 §4.2): discovery of
// the devices the kernel command line announces, and MmioTransport, the
// register block of one device reached through the direct map (uncached
// in the 3..4 GiB device hole, guest/mm/kernel_page_tables.cpp).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/virtio/common.h"
#include "abi/virtio/mmio.h"  // register offsets and values (virtio 1.2 §4.2.2)
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
  uint32_t status() const { return read(mmio::kRegStatus); }
  // Status is written whole; the driver never clears a bit (§2.1.1).
  void add_status(uint32_t bits) const { write(mmio::kRegStatus, status() | bits); }
  uint64_t device_features() const;
  void set_driver_features(uint64_t features) const;

  // Selects queue `index` and returns its QueueNumMax, 0 if the queue is
  // missing or already live (§4.2.3.2 steps 1-3).
  uint32_t select_queue(uint16_t index) const;
  // For the selected queue: QueueNum, the three areas, QueueReady = 1
  // (§4.2.3.2 steps 5-7).
  void activate_queue(uint16_t size, uint64_t desc, uint64_t driver, uint64_t device) const;
  // "the value written is the queue index" without NOTIFICATION_DATA (§4.2.2).
  void notify(uint16_t queue) const { write(mmio::kRegQueueNotify, queue); }

  // Device configuration space, at the field's own width (§4.2.2.2). Use
  // inside a config_generation() loop (§2.5.1, read_config_stable).
  uint8_t config8(uint32_t offset) const;
  uint16_t config16(uint32_t offset) const;
  uint32_t config_generation() const { return read(mmio::kRegConfigGeneration); }
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
