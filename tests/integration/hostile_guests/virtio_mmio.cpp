#include "virtio_mmio.h"

#include "deadline.h"
#include "hw.h"

namespace hg {

using namespace virtio;

uint32_t VirtioMmio::read(uint32_t reg) const { return mmio_read32(base + reg); }
void VirtioMmio::write(uint32_t reg, uint32_t value) const { mmio_write32(base + reg, value); }

bool VirtioMmio::is_modern_net() const {
  return read(mmio::kRegMagicValue) == mmio::kMagic && read(mmio::kRegVersion) == mmio::kModernVersion &&
         read(mmio::kRegDeviceId) == kDeviceIdNet;
}

bool VirtioMmio::reset() const {
  write(mmio::kRegStatus, 0);
  Deadline deadline(2000);
  while (status() != 0)
    if (deadline.expired()) return false;
  return true;
}

bool VirtioMmio::negotiate(uint64_t features) const {
  write(mmio::kRegStatus, kStatusAcknowledge);
  write(mmio::kRegStatus, kStatusAcknowledge | kStatusDriver);
  write(mmio::kRegDriverFeaturesSel, 0);
  write(mmio::kRegDriverFeatures, static_cast<uint32_t>(features));
  write(mmio::kRegDriverFeaturesSel, 1);
  write(mmio::kRegDriverFeatures, static_cast<uint32_t>(features >> 32));
  write(mmio::kRegStatus, kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk);
  return status() & kStatusFeaturesOk;
}

void VirtioMmio::set_up_queue(uint16_t queue, uint32_t size, uint64_t desc, uint64_t avail,
                              uint64_t used) const {
  write(mmio::kRegQueueSel, queue);
  write(mmio::kRegQueueNum, size);
  write(mmio::kRegQueueDescLow, static_cast<uint32_t>(desc));
  write(mmio::kRegQueueDescHigh, static_cast<uint32_t>(desc >> 32));
  write(mmio::kRegQueueDriverLow, static_cast<uint32_t>(avail));
  write(mmio::kRegQueueDriverHigh, static_cast<uint32_t>(avail >> 32));
  write(mmio::kRegQueueDeviceLow, static_cast<uint32_t>(used));
  write(mmio::kRegQueueDeviceHigh, static_cast<uint32_t>(used >> 32));
  write(mmio::kRegQueueReady, 1);
}

uint32_t VirtioMmio::queue_num_max(uint16_t queue) const {
  write(mmio::kRegQueueSel, queue);
  return read(mmio::kRegQueueNumMax);
}

bool VirtioMmio::wait_needs_reset(uint32_t ms) const {
  Deadline deadline(ms);
  while (!needs_reset())
    if (deadline.expired()) return false;
  return true;
}

}  // namespace hg
