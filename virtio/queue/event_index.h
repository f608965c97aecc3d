// VIRTIO_F_EVENT_IDX's test (virtio 1.2 §2.7.7.2, §2.7.10.2): having moved a
// ring index from `old_idx` to `new_idx`, must the other side be told? Yes
// iff `event_idx` (the index it asked to hear about) lies in [old_idx,
// new_idx), computed modulo 2^16 so that it holds across wrap-around.
#pragma once

#include <cstdint>

namespace vmm::virtio {

inline constexpr bool need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx) {
  return static_cast<uint16_t>(new_idx - event_idx - 1) < static_cast<uint16_t>(new_idx - old_idx);
}

}  // namespace vmm::virtio
