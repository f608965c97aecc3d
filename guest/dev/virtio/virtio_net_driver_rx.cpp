// virtio-net receive (virtio 1.2 §5.1.6.3, §5.1.6.4): every descriptor of
// the receive queue is one device-writable 2 KiB buffer; a used buffer holds
// the 12-byte virtio_net_hdr and the frame, or, with VIRTIO_NET_F_MRG_RXBUF,
// the first part of a frame whose header's num_buffers says how many
// buffers (used one after the other) it fills.
#include "arch/x86/include/layout.h"
#include "dev/virtio/virtio_net_driver.h"
#include "lib/kstring.h"

namespace virtio {

namespace {
// Offset of num_buffers in struct virtio_net_hdr (§5.1.6).
constexpr size_t kNumBuffersOffset = 10;
static_assert(kNumBuffersOffset + 2 == sizeof(net_spec::Header));
}  // namespace

uint8_t* NetDriver::rx_buffer(uint16_t id) const {
  return layout::phys_to_virt<uint8_t>(rx_buffers_ + uint64_t{id} * kBufferSize);
}

// "The driver SHOULD populate the receive queue(s) with buffers of at least
// 1526 bytes" without MRG_RXBUF or GSO (§5.1.6.3.1); 2 KiB each, and every
// free descriptor gets its own buffer back.
void NetDriver::refill_rx() {
  for (uint16_t id = rx_.alloc(); id != Virtqueue::kNoDescriptor; id = rx_.alloc()) {
    rx_.add(id, rx_buffers_ + uint64_t{id} * kBufferSize, kBufferSize, true);
  }
}

void NetDriver::publish_rx() {
  rx_.publish();
  if (rx_.needs_notify()) {
    transport_.notify(net_spec::kReceiveQueue);
    ++counters_.notifies_rx;
  }
}

uint32_t NetDriver::poll_rx(uint32_t budget, Deliver deliver, void* ctx) {
  uint32_t delivered = 0;
  while (delivered < budget) {
    Virtqueue::Used used;
    Virtqueue::UsedResult r = rx_.pop_used(&used);
    if (r == Virtqueue::UsedResult::kEmpty) break;
    if (r == Virtqueue::UsedResult::kBad) {
      ++counters_.rx_bad;
      merge_remaining_ = 0;  // which buffers belong to the frame is unknown now
      continue;
    }
    if (handle_rx_buffer(used, deliver, ctx)) ++delivered;
    // Keep the device supplied during a long batch.
    if (rx_.free_count() >= rx_.size() / 2) {
      refill_rx();
      publish_rx();
    }
  }
  report_broken_queue(rx_, "receive");
  refill_rx();
  publish_rx();
  return delivered;
}

// True if a whole frame was delivered. The buffer's descriptor is already
// free, but it is re-added only after this returns (refill_rx), so its
// bytes stay put while they are read.
bool NetDriver::handle_rx_buffer(const Virtqueue::Used& used, Deliver deliver, void* ctx) {
  const uint8_t* buf = rx_buffer(used.id);
  if (merge_remaining_ > 0) {
    // A further buffer of a merged frame: no header of its own (§5.1.6.4).
    if (!append_fragment(buf, used.len)) merge_bad_ = true;
    if (--merge_remaining_ > 0) return false;
    if (merge_bad_) {
      ++counters_.rx_bad;
      return false;
    }
    deliver_frame(layout::phys_to_virt<uint8_t>(scratch_), merge_len_, deliver, ctx);
    return true;
  }
  if (used.len <= kHeaderSize) {
    ++counters_.rx_bad;
    return false;
  }
  const uint8_t* frame = buf + kHeaderSize;
  size_t len = used.len - kHeaderSize;
  uint16_t num_buffers = 1;
  // Only meaningful with MRG_RXBUF (§5.1.6.4: otherwise one buffer per frame).
  if (mrg_rxbuf_) {
    num_buffers = static_cast<uint16_t>(buf[kNumBuffersOffset] | buf[kNumBuffersOffset + 1] << 8);
  }
  if (num_buffers == 0 || num_buffers > rx_.size()) {
    ++counters_.rx_bad;
    return false;
  }
  if (num_buffers == 1) {
    deliver_frame(frame, len, deliver, ctx);
    return true;
  }
  merge_remaining_ = static_cast<uint16_t>(num_buffers - 1);
  merge_len_ = 0;
  merge_bad_ = !append_fragment(frame, len);
  return false;
}

bool NetDriver::append_fragment(const uint8_t* data, size_t len) {
  if (merge_bad_ || len > kScratchSize - merge_len_) return false;
  memcpy(layout::phys_to_virt<uint8_t>(scratch_) + merge_len_, data, len);
  merge_len_ += len;
  return true;
}

void NetDriver::deliver_frame(const uint8_t* frame, size_t len, Deliver deliver, void* ctx) {
  ++counters_.rx_frames;
  counters_.rx_bytes += len;
  deliver(ctx, frame, len);
}

}  // namespace virtio
