// One virtio-mmio register block (virtio 1.2 §4.2.2), accessed through
// volatile pointers into the uncached direct map.
#include "dev/virtio/virtio_mmio.h"

#include "arch/x86/include/layout.h"
#include "arch/x86/include/x86.h"
#include "kernel/clock.h"

namespace virtio {

namespace {

// A reset may complete asynchronously (this project's VMM finishes it on
// its device thread); the driver polls Status until it reads 0.
constexpr uint64_t kResetTimeoutNs = 1'000'000'000;

}  // namespace

MmioTransport::MmioTransport(const MmioDeviceInfo& info)
    : base_(layout::kDirectMapBase + info.phys), size_(info.size) {}

uint32_t MmioTransport::read(uint32_t reg) const {
  return *reinterpret_cast<volatile uint32_t*>(base_ + reg);
}

void MmioTransport::write(uint32_t reg, uint32_t value) const {
  *reinterpret_cast<volatile uint32_t*>(base_ + reg) = value;
}

Status MmioTransport::identify(uint32_t* device_id) const {
  if (read(mmio::kRegMagicValue) != mmio::kMagic) return Status::error("no virtio-mmio magic");
  // Only the modern interface: a legacy device (version 1) has a different
  // queue set-up (§4.2.4) that this driver does not implement.
  uint32_t version = read(mmio::kRegVersion);
  if (version != mmio::kModernVersion)
    return Status::error(version == 1 ? "legacy virtio-mmio device (version 1) not supported"
                                      : "unknown virtio-mmio version");
  *device_id = read(mmio::kRegDeviceId);
  return Status::ok();
}

Status MmioTransport::reset() const {
  write(mmio::kRegStatus, 0);
  // "After writing 0 to device_status, the driver MUST wait for a read of
  // device_status to return 0 before reinitializing the device" (§2.4.2).
  uint64_t deadline = clock_ns() + kResetTimeoutNs;
  while (read(mmio::kRegStatus) != 0) {
    if (clock_ns() > deadline) return Status::error("device did not finish its reset");
    x86::pause();
  }
  return Status::ok();
}

uint64_t MmioTransport::device_features() const {
  // 64 bits in two 32-bit words selected by DeviceFeaturesSel (§4.2.2).
  write(mmio::kRegDeviceFeaturesSel, 0);
  uint64_t low = read(mmio::kRegDeviceFeatures);
  write(mmio::kRegDeviceFeaturesSel, 1);
  uint64_t high = read(mmio::kRegDeviceFeatures);
  return high << 32 | low;
}

void MmioTransport::set_driver_features(uint64_t features) const {
  write(mmio::kRegDriverFeaturesSel, 0);
  write(mmio::kRegDriverFeatures, static_cast<uint32_t>(features));
  write(mmio::kRegDriverFeaturesSel, 1);
  write(mmio::kRegDriverFeatures, static_cast<uint32_t>(features >> 32));
}

uint32_t MmioTransport::select_queue(uint16_t index) const {
  write(mmio::kRegQueueSel, index);
  // "Check if the queue is not already in use: read QueueReady, and expect
  // a returned value of zero" (§4.2.3.2 step 2).
  if (read(mmio::kRegQueueReady) != 0) return 0;
  // "If the returned value is zero the queue is not available" (step 3).
  return read(mmio::kRegQueueNumMax);
}

void MmioTransport::activate_queue(uint16_t size, uint64_t desc, uint64_t driver,
                                   uint64_t device) const {
  write(mmio::kRegQueueNum, size);
  // 64-bit guest-physical addresses as low/high register pairs (§4.2.2).
  write(mmio::kRegQueueDescLow, static_cast<uint32_t>(desc));
  write(mmio::kRegQueueDescHigh, static_cast<uint32_t>(desc >> 32));
  write(mmio::kRegQueueDriverLow, static_cast<uint32_t>(driver));
  write(mmio::kRegQueueDriverHigh, static_cast<uint32_t>(driver >> 32));
  write(mmio::kRegQueueDeviceLow, static_cast<uint32_t>(device));
  write(mmio::kRegQueueDeviceHigh, static_cast<uint32_t>(device >> 32));
  write(mmio::kRegQueueReady, 1);
}

bool MmioTransport::config_fits(uint32_t offset, uint32_t width) const {
  return size_ >= mmio::kRegConfig && offset + width <= size_ - mmio::kRegConfig;
}

// "the driver MUST use 8 bit wide accesses for 8 bit wide fields, 16 bit
// wide and aligned accesses for 16 bit wide fields" (§4.2.2.2).
uint8_t MmioTransport::config8(uint32_t offset) const {
  if (!config_fits(offset, 1)) return 0;
  return *reinterpret_cast<volatile uint8_t*>(base_ + mmio::kRegConfig + offset);
}

uint16_t MmioTransport::config16(uint32_t offset) const {
  if (!config_fits(offset, 2) || offset % 2 != 0) return 0;
  return *reinterpret_cast<volatile uint16_t*>(base_ + mmio::kRegConfig + offset);
}

}  // namespace virtio
