// Moving bytes between the host and the buffers of descriptor chains:
// gather what the driver wrote (transmit), scatter a byte stream over the
// writable space of one or more chains (receive, VIRTIO_NET_F_MRG_RXBUF).
// Every access still goes through GuestMemory's bounds check.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "virtio/queue/descriptor_chain.h"
#include "hv/core/result.h"
#include "hv/memory/guest_memory.h"

namespace vmm::virtio {

// Copies all device-readable bytes of `chain`, in order, into `out`.
Result<void> gather_readable(const GuestMemory& memory, const DescriptorChain& chain,
                             std::vector<uint8_t>& out);

// Writes consecutive bytes across the writable segments of `chains`, filling
// each chain before moving to the next, and remembers how much went into
// each (the used lengths).
class ChainWriter {
 public:
  ChainWriter(const GuestMemory& memory, std::span<const DescriptorChain> chains);

  // An Error when the chains have less room left than `bytes`.
  Result<void> write(std::span<const uint8_t> bytes);
  uint32_t written_into(size_t chain) const { return written_[chain]; }
  // Chains that received at least one byte.
  size_t chains_used() const;

 private:
  Result<size_t> write_some(std::span<const uint8_t> bytes);

  const GuestMemory& memory_;
  std::span<const DescriptorChain> chains_;
  std::vector<uint32_t> written_;
  size_t chain_ = 0;     // current chain
  size_t segment_ = 0;   // current writable segment of that chain
  uint32_t offset_ = 0;  // bytes already written into that segment
};

}  // namespace vmm::virtio
