#include "virtio/queue/chain_copy.h"

#include <algorithm>
#include <cstring>

namespace vmm::virtio {

Result<void> gather_readable(const GuestMemory& memory, const DescriptorChain& chain,
                             std::vector<uint8_t>& out) {
  out.resize(chain.readable_bytes);
  size_t at = 0;
  for (const GuestSegment& segment : chain.readable) {
    VMM_TRY_VOID(memory.read(segment.gpa, std::span(out.data() + at, segment.len)));
    at += segment.len;
  }
  return ok();
}

ChainWriter::ChainWriter(const GuestMemory& memory, std::span<const DescriptorChain> chains)
    : memory_(memory), chains_(chains), written_(chains.size(), 0) {}

Result<void> ChainWriter::write(std::span<const uint8_t> bytes) {
  while (!bytes.empty()) {
    size_t n = VMM_TRY(write_some(bytes));
    bytes = bytes.subspan(n);
  }
  return ok();
}

// Writes into the current segment as much as fits, then advances.
Result<size_t> ChainWriter::write_some(std::span<const uint8_t> bytes) {
  while (chain_ < chains_.size() && segment_ >= chains_[chain_].writable.size()) {
    ++chain_;
    segment_ = 0;
  }
  if (chain_ == chains_.size()) return make_error("receive buffers too small for the frame");
  const GuestSegment& segment = chains_[chain_].writable[segment_];
  size_t n = std::min<size_t>(bytes.size(), segment.len - offset_);
  VMM_TRY_VOID(memory_.write(segment.gpa + offset_, bytes.first(n)));
  // n fits: it is at most what is left of one 32-bit descriptor length. The
  // sums fit too: a chain's used length is a 32-bit field by the spec, and
  // the device writes one frame (at most 64 KiB and a header) per use.
  written_[chain_] += static_cast<uint32_t>(n);
  offset_ += static_cast<uint32_t>(n);
  if (offset_ == segment.len) {
    ++segment_;
    offset_ = 0;
  }
  return n;
}

size_t ChainWriter::chains_used() const {
  return static_cast<size_t>(std::count_if(written_.begin(), written_.end(),
                                           [](uint32_t n) { return n > 0; }));
}

}  // namespace vmm::virtio
