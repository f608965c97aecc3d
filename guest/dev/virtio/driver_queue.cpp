// Split virtqueue, driver side (virtio 1.2 §2.7): the rings' memory. The
// ring logic and its memory ordering are abi/virtio/driver_ring.h's.
#include "dev/virtio/driver_queue.h"

#include "arch/x86/include/layout.h"
#include "lib/kstring.h"
#include "mm/pmm.h"

namespace virtio {

namespace {

// The used ring is written by the device and the available ring by the
// driver: separate cache lines (64 bytes also satisfies §2.7's 4).
constexpr uint64_t kUsedRingPlacement = 64;
static_assert(kUsedRingPlacement % kUsedRingAlign == 0);

}  // namespace

Status Virtqueue::init(uint16_t size, bool event_idx) {
  if (size == 0 || size > kMaxSize || (size & (size - 1)) != 0)
    return Status::error("virtqueue: size is not a power of 2 up to 256");
  // Frames are 4 KiB aligned, so the descriptor table's 16-byte alignment
  // holds and the used ring's placement is the same from phys_ or from 0.
  SplitRingLayout layout = split_ring_layout(0, size, kUsedRingPlacement);
  frames_ = static_cast<uint32_t>((layout.bytes + layout::kPageSize - 1) / layout::kPageSize);
  // "Allocate and zero the queue memory, making sure the memory is
  // physically contiguous" (§4.2.3.2 step 4).
  phys_ = pmm::alloc_contiguous(frames_);
  if (phys_ == 0) return Status::error("virtqueue: out of memory for the rings");
  uint8_t* base = layout::phys_to_virt<uint8_t>(phys_);
  memset(base, 0, frames_ * layout::kPageSize);
  attach(base, phys_, layout, event_idx);
  return Status::ok();
}

void Virtqueue::release() {
  if (phys_ != 0) pmm::put_contiguous(phys_, frames_);
  phys_ = 0;
  frames_ = 0;
}

}  // namespace virtio
