// The virtio-mmio register block, driver side (virtio 1.2 §4.2.2), without
// any policy: the well-behaved steps of §3.1.1 as functions, and raw
// register access for the cases that break them on purpose.
#pragma once

#include <stdint.h>

#include "abi/virtio/common.h"
#include "abi/virtio/mmio.h"

namespace hg {

struct VirtioMmio {
  uintptr_t base = 0;

  uint32_t read(uint32_t reg) const;
  void write(uint32_t reg, uint32_t value) const;
  uint32_t status() const { return read(virtio::mmio::kRegStatus); }
  bool needs_reset() const { return status() & virtio::kStatusDeviceNeedsReset; }

  // Magic "virt", version 2 (modern) and a network device (ID 1).
  bool is_modern_net() const;
  // Status = 0, then reads Status until it is 0 (§2.4.2: the reset is done
  // only then).
  bool reset() const;
  // ACKNOWLEDGE, DRIVER, both DriverFeatures words, FEATURES_OK (§3.1.1
  // steps 2-5); true when Status still has FEATURES_OK (step 6).
  bool negotiate(uint64_t features) const;
  // QueueSel, QueueNum, the three ring addresses, QueueReady = 1 (§4.2.3.2).
  void set_up_queue(uint16_t queue, uint32_t size, uint64_t desc, uint64_t avail, uint64_t used) const;
  uint32_t queue_num_max(uint16_t queue) const;
  void notify(uint16_t queue) const { write(virtio::mmio::kRegQueueNotify, queue); }
  // Status |= bits, as read back now.
  void add_status(uint32_t bits) const { write(virtio::mmio::kRegStatus, status() | bits); }
  // Polls Status for DEVICE_NEEDS_RESET up to `ms` (the device sets it on its
  // own thread, after the notification).
  bool wait_needs_reset(uint32_t ms) const;
};

}  // namespace hg
