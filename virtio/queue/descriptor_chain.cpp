#include "virtio/queue/descriptor_chain.h"

#include <cstring>

#include "hv/core/hex.h"

namespace vmm::virtio {

namespace {

// "Drivers MUST NOT add a descriptor chain longer than 2^32 bytes in total"
// (virtio 1.2 §2.7.5.2); used lengths are 32-bit.
constexpr uint64_t kMaxChainBytes = uint64_t{1} << 32;

// A descriptor copied out of guest memory once, so that a driver rewriting it
// meanwhile cannot change what was checked.
VirtqDesc copy_descriptor(const uint8_t* table, uint32_t index) {
  VirtqDesc desc;
  std::memcpy(&desc, table + sizeof(VirtqDesc) * index, sizeof desc);
  return desc;
}

// Where a descriptor sits, for error messages only (built on failure).
struct Position {
  uint16_t head;
  uint32_t index;
  bool in_indirect;

  std::string operator+(const std::string& what) const {
    return "chain " + std::to_string(head) + ", " + (in_indirect ? "indirect " : "") +
           "descriptor " + std::to_string(index) + ": " + what;
  }
};

Result<void> add_segment(const VirtqDesc& desc, const ChainRules& rules, DescriptorChain& chain,
                         const Position& place) {
  if (!rules.memory.contains(desc.addr, desc.len))
    return make_error(place + "buffer [" + hex(desc.addr) + ", +" + std::to_string(desc.len) +
                      ") is outside guest memory");
  bool writable = desc.flags & kDescWrite;
  // "The driver MUST place any device-writable descriptor elements after any
  // device-readable descriptor elements" (virtio 1.2 §2.7.4.2).
  if (!writable && !chain.writable.empty())
    return make_error(place + "device-readable buffer after a device-writable one");
  if (chain.readable_bytes + chain.writable_bytes + desc.len >= kMaxChainBytes)
    return make_error(place + "chain holds 4 GiB or more");
  if (desc.len == 0) return ok();  // nothing to transfer; tolerated
  if (writable) {
    chain.writable.push_back({desc.addr, desc.len});
    chain.writable_bytes += desc.len;
  } else {
    chain.readable.push_back({desc.addr, desc.len});
    chain.readable_bytes += desc.len;
  }
  return ok();
}

// Follows `next` links through `table` (`entries` long) from `first`.
// Called for the queue's own table and for one indirect table.
Result<void> walk(const uint8_t* table, uint32_t entries, uint32_t first, bool in_indirect,
                  const ChainRules& rules, DescriptorChain& chain);

Result<void> walk_indirect(const VirtqDesc& desc, const ChainRules& rules, DescriptorChain& chain,
                           const Position& place) {
  if (!rules.indirect_allowed)
    return make_error(place + "INDIRECT flag without VIRTIO_F_INDIRECT_DESC");
  // "The driver MUST NOT set both VIRTQ_DESC_F_INDIRECT and VIRTQ_DESC_F_NEXT"
  // (virtio 1.2 §2.7.5.3.1).
  if (desc.flags & kDescNext) return make_error(place + "INDIRECT together with NEXT");
  if (desc.len == 0 || desc.len % sizeof(VirtqDesc) != 0)
    return make_error(place + "indirect table length " + std::to_string(desc.len) +
                      " is not a non-zero multiple of 16");
  uint32_t entries = desc.len / sizeof(VirtqDesc);
  // A chain may not be longer than the queue (virtio 1.2 §2.7.5.3.1).
  if (entries > rules.queue_size)
    return make_error(place + "indirect table of " + std::to_string(entries) +
                      " descriptors exceeds the queue size " + std::to_string(rules.queue_size));
  auto table = rules.memory.host_pointer(desc.addr, desc.len);
  if (!table.ok())
    return make_error(place + "indirect table [" + hex(desc.addr) + ", +" +
                      std::to_string(desc.len) + ") is outside guest memory");
  return walk(*table, entries, 0, true, rules, chain);
}

Result<void> walk(const uint8_t* table, uint32_t entries, uint32_t first, bool in_indirect,
                  const ChainRules& rules, DescriptorChain& chain) {
  uint32_t index = first;
  for (uint32_t visited = 1;; ++visited) {
    Position place{chain.head, index, in_indirect};
    if (visited > entries)
      return make_error(place + ("chain longer than its table of " + std::to_string(entries) +
                                 " descriptors: a loop"));
    VirtqDesc desc = copy_descriptor(table, index);
    if (desc.flags & kDescIndirect) {
      // "MUST NOT set the VIRTQ_DESC_F_INDIRECT flag within an indirect
      // descriptor" (virtio 1.2 §2.7.5.3.1).
      if (in_indirect) return make_error(place + "indirect table inside an indirect table");
      // Zero or more direct descriptors may precede one indirect descriptor
      // (virtio 1.2 §2.7.5.3.2); it ends the chain.
      return walk_indirect(desc, rules, chain, place);
    }
    VMM_TRY_VOID(add_segment(desc, rules, chain, place));
    if (!(desc.flags & kDescNext)) return ok();
    if (desc.next >= entries)
      return make_error(place + ("next index " + std::to_string(desc.next) +
                                 " is outside the table of " + std::to_string(entries)));
    index = desc.next;
  }
}

}  // namespace

void DescriptorChain::clear() {
  head = 0;
  readable.clear();
  writable.clear();
  readable_bytes = 0;
  writable_bytes = 0;
}

Result<void> read_descriptor_chain(const uint8_t* table, uint16_t head, const ChainRules& rules,
                                   DescriptorChain& chain) {
  chain.clear();
  chain.head = head;
  if (head >= rules.queue_size)
    return make_error("chain head " + std::to_string(head) + " is outside the queue of " +
                      std::to_string(rules.queue_size));
  return walk(table, rules.queue_size, head, false, rules, chain);
}

}  // namespace vmm::virtio
