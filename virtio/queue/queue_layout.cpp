#include "virtio/queue/queue_layout.h"

#include <algorithm>
#include <bit>

#include "virtio/spec.h"
#include "hv/core/hex.h"

namespace vmm::virtio {

namespace {

Result<void> check_size(uint32_t size, uint32_t max_size) {
  if (size == 0) return make_error("queue size is 0");
  // "Queue Size value is always a power of 2" for split rings (virtio 1.2 §2.7).
  if (!std::has_single_bit(size))
    return make_error("queue size " + std::to_string(size) + " is not a power of 2");
  if (size > max_size)
    return make_error("queue size " + std::to_string(size) + " exceeds the maximum " +
                      std::to_string(max_size));
  return ok();
}

Result<uint8_t*> map_part(const GuestMemory& memory, const char* what, uint64_t gpa,
                          uint64_t bytes, uint64_t align) {
  if (gpa % align != 0)
    return make_error(std::string(what) + " at " + hex(gpa) + " is not " +
                      std::to_string(align) + "-byte aligned");
  auto pointer = memory.host_pointer(gpa, bytes);
  if (!pointer.ok())
    return make_error(std::string(what) + " [" + hex(gpa) + ", +" + std::to_string(bytes) +
                      ") is outside guest memory");
  return *pointer;
}

struct Part {
  const char* what;
  uint64_t gpa, bytes;
};

// The device writes the used ring and only reads the other two: a used ring
// over the driver's descriptors or available ring would have the device
// overwrite what the driver gave it. No driver lays rings out that way (a
// queue made ready before its addresses were written has all three at 0),
// so the device refuses it instead of running on rings nobody set up.
Result<void> check_disjoint(const Part& a, const Part& b) {
  if (a.gpa < b.gpa + b.bytes && b.gpa < a.gpa + a.bytes)
    return make_error(std::string(a.what) + " at " + hex(a.gpa) + " overlaps the " + b.what + " at " + hex(b.gpa));
  return ok();
}

}  // namespace

Result<RingPointers> map_queue_layout(const GuestMemory& memory, const QueueLayout& layout,
                                      uint32_t max_size) {
  VMM_TRY_VOID(check_size(layout.size, std::min(max_size, kMaxQueueSize)));
  RingPointers rings{};
  rings.desc = VMM_TRY(map_part(memory, "descriptor table", layout.desc_gpa,
                                desc_table_bytes(layout.size), kDescTableAlign));
  rings.avail = VMM_TRY(map_part(memory, "available ring", layout.avail_gpa,
                                 avail_ring_bytes(layout.size), kAvailRingAlign));
  rings.used = VMM_TRY(map_part(memory, "used ring", layout.used_gpa,
                                used_ring_bytes(layout.size), kUsedRingAlign));
  Part desc{"descriptor table", layout.desc_gpa, desc_table_bytes(layout.size)};
  Part avail{"available ring", layout.avail_gpa, avail_ring_bytes(layout.size)};
  Part used{"used ring", layout.used_gpa, used_ring_bytes(layout.size)};
  VMM_TRY_VOID(check_disjoint(used, desc));
  VMM_TRY_VOID(check_disjoint(used, avail));
  VMM_TRY_VOID(check_disjoint(avail, desc));
  return rings;
}

}  // namespace vmm::virtio
