#include "virtio/mmio/device_status.h"

#include "virtio/spec.h"

namespace vmm::virtio {

namespace {

StatusDecision refuse(uint32_t current, std::string why) {
  return {current, false, std::move(why)};
}

}  // namespace

StatusDecision decide_status_write(uint32_t current, uint32_t written, bool features_acceptable) {
  // DEVICE_NEEDS_RESET is the device's bit: the driver writing it back (a
  // read-modify-write) neither sets nor clears it.
  uint32_t needs_reset = current & kStatusDeviceNeedsReset;
  uint32_t wanted = written & kDriverStatusBits;
  uint32_t have = current & kDriverStatusBits;
  // "The driver MUST NOT clear a device status bit" (virtio 1.2 §2.1.1).
  if (have & ~wanted) return refuse(current, "driver cleared status bits");
  uint32_t added = wanted & ~have;
  // The initialization sequence of virtio 1.2 §3.1.1, one step after another.
  if ((added & kStatusDriver) && !(wanted & kStatusAcknowledge))
    return refuse(current, "DRIVER before ACKNOWLEDGE");
  if ((added & kStatusFeaturesOk) && !(wanted & kStatusDriver))
    return refuse(current, "FEATURES_OK before DRIVER");
  std::string refusal;
  if ((added & kStatusFeaturesOk) && !features_acceptable) {
    // The device "MUST fail to set the FEATURES_OK device status bit"
    // (virtio 1.2 §2.2.2); the driver sees it missing and gives up.
    wanted &= ~kStatusFeaturesOk;
    added &= ~kStatusFeaturesOk;
    refusal = "driver features not acceptable (a subset of the offered ones with VERSION_1)";
  }
  if (added & kStatusDriverOk) {
    if (!(wanted & kStatusFeaturesOk)) return refuse(current, "DRIVER_OK before FEATURES_OK");
    if (needs_reset) return refuse(current, "DRIVER_OK while the device needs a reset");
    if (wanted & kStatusFailed) return refuse(current, "DRIVER_OK together with FAILED");
  }
  return {wanted | needs_reset, (added & kStatusDriverOk) != 0, std::move(refusal)};
}

}  // namespace vmm::virtio
