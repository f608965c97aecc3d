#include "tests/unit/app/guest_virtio_driver.h"

#include "virtio/spec.h"

namespace vmm::testing {

using namespace virtio;
using namespace virtio::mmio;

bool GuestVirtioDriver::negotiate(uint64_t features) {
  written_status_ = 0;
  set_status_bits(kStatusAcknowledge);
  set_status_bits(kStatusDriver);
  write(kRegDriverFeaturesSel, 0);
  write(kRegDriverFeatures, static_cast<uint32_t>(features));
  write(kRegDriverFeaturesSel, 1);
  write(kRegDriverFeatures, static_cast<uint32_t>(features >> 32));
  set_status_bits(kStatusFeaturesOk);
  return (status() & kStatusFeaturesOk) != 0;
}

void GuestVirtioDriver::set_up_queue(uint16_t index, const QueueLayout& layout) {
  write(kRegQueueSel, index);
  write(kRegQueueNum, layout.size);
  write(kRegQueueDescLow, static_cast<uint32_t>(layout.desc_gpa));
  write(kRegQueueDescHigh, static_cast<uint32_t>(layout.desc_gpa >> 32));
  write(kRegQueueDriverLow, static_cast<uint32_t>(layout.avail_gpa));
  write(kRegQueueDriverHigh, static_cast<uint32_t>(layout.avail_gpa >> 32));
  write(kRegQueueDeviceLow, static_cast<uint32_t>(layout.used_gpa));
  write(kRegQueueDeviceHigh, static_cast<uint32_t>(layout.used_gpa >> 32));
  write(kRegQueueReady, 1);
}

void GuestVirtioDriver::set_status_bits(uint32_t bits) {
  written_status_ |= bits;
  write(kRegStatus, written_status_);
}

void GuestVirtioDriver::notify(uint16_t queue) { write(kRegQueueNotify, queue); }

bool GuestVirtioDriver::reset() {
  written_status_ = 0;
  write(kRegStatus, 0);
  return eventually([this] { return status() == 0; });
}

bool GuestVirtioDriver::wait_for_status(uint32_t bits) {
  return eventually([this, bits] { return (status() & bits) == bits; });
}

}  // namespace vmm::testing
