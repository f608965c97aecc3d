// Where the driver put one split virtqueue (the QueueNum and Queue{Desc,
// Driver,Device} registers), and the check that makes it safe to use: size a
// power of two within the device's maximum, each part aligned and wholly
// inside guest memory (virtio 1.2 §2.7). A layout that passes yields host
// pointers that stay valid for the life of the GuestMemory.
#pragma once

#include <cstdint>

#include "hv/core/result.h"
#include "hv/memory/guest_memory.h"

namespace vmm::virtio {

struct QueueLayout {
  uint32_t size = 0;        // entries (QueueNum)
  uint64_t desc_gpa = 0;    // descriptor table
  uint64_t avail_gpa = 0;   // driver area: available ring
  uint64_t used_gpa = 0;    // device area: used ring
};

struct RingPointers {
  uint8_t* desc;
  uint8_t* avail;
  uint8_t* used;
};

// Errors say what is wrong in the driver's terms ("queue size 3 is not a
// power of 2").
Result<RingPointers> map_queue_layout(const GuestMemory& memory, const QueueLayout& layout,
                                      uint32_t max_size);

}  // namespace vmm::virtio
