// The rules of the device status field (virtio 1.2 §2.1, §3.1.1) as a pure
// function: given the current status and what the driver writes, what the
// status becomes. Writing 0 (reset) is handled by the transport before this.
#pragma once

#include <cstdint>
#include <string>

namespace vmm::virtio {

struct StatusDecision {
  uint32_t status;      // the new value of the field
  bool activate;        // DRIVER_OK was just accepted: start the device
  std::string refusal;  // non-empty when (part of) the write was refused: why
};

// `features_acceptable`: the driver's features are a subset of the offered
// ones and include VIRTIO_F_VERSION_1 (checked when FEATURES_OK is set).
StatusDecision decide_status_write(uint32_t current, uint32_t written, bool features_acceptable);

}  // namespace vmm::virtio
