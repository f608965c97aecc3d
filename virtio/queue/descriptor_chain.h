// One descriptor chain taken from the available ring, flattened: the
// device-readable segments, then the device-writable ones, each already
// checked to lie inside guest memory. Indirect tables are followed while
// reading, so devices never see descriptors.
#pragma once

#include <cstdint>
#include <vector>

#include "virtio/spec.h"
#include "hv/core/result.h"
#include "hv/memory/guest_memory.h"

namespace vmm::virtio {

struct GuestSegment {
  uint64_t gpa;
  uint32_t len;
};

struct DescriptorChain {
  uint16_t head = 0;  // the id that goes back in the used ring
  std::vector<GuestSegment> readable;
  std::vector<GuestSegment> writable;
  uint64_t readable_bytes = 0;
  uint64_t writable_bytes = 0;

  // Empties the chain but keeps the vectors' capacity for the next one.
  void clear();
};

// What reading a chain may assume.
struct ChainRules {
  const GuestMemory& memory;
  uint32_t queue_size;     // a longer chain is a loop (virtio 1.2 §2.7.5.2)
  bool indirect_allowed;   // VIRTIO_F_INDIRECT_DESC negotiated
};

// Reads the chain starting at `head` of the descriptor table at `table`
// (queue_size entries, host pointer). Every rule the driver must keep is
// checked; a broken one is an Error naming it, and the device must then
// stop using the queue.
Result<void> read_descriptor_chain(const uint8_t* table, uint16_t head, const ChainRules& rules,
                                   DescriptorChain& chain);

}  // namespace vmm::virtio
