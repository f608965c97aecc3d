// virtio-net transmit (virtio 1.2 §5.1.6.2): each frame goes out in one
// device-readable buffer, a zeroed virtio_net_hdr followed by the frame
// (one descriptor holding both is allowed with VIRTIO_F_VERSION_1,
// §2.7.4). Completed buffers are reclaimed here, not on an interrupt: the
// transmit queue's interrupts stay suppressed.
#include "arch/x86/include/layout.h"
#include "dev/virtio/virtio_net_driver.h"
#include "kernel/clock.h"
#include "lib/kstring.h"

namespace virtio {

uint8_t* NetDriver::tx_buffer(uint16_t id) const {
  return layout::phys_to_virt<uint8_t>(tx_buffers_ + uint64_t{id} * kBufferSize);
}

void NetDriver::reclaim_tx() {
  Virtqueue::Used used;
  for (;;) {
    Virtqueue::UsedResult r = tx_.pop_used(&used);
    if (r == Virtqueue::UsedResult::kEmpty) break;
    if (r == Virtqueue::UsedResult::kBad) ++counters_.tx_bad;
  }
  report_broken_queue(tx_, "transmit");
}

// The device holds buffers it has not touched for kTxStallNs although it
// was (or should have been) told: tell it again.
void NetDriver::notify_stalled_tx() {
  transport_.notify(net_spec::kTransmitQueue);
  ++counters_.notifies_tx;
  ++counters_.tx_stall_notifies;
}

bool NetDriver::transmit(const uint8_t* frame, size_t len) {
  reclaim_tx();
  bool stalled = tx_stall_.notify_anyway(tx_.used_consumed(), tx_.in_flight(), [] { return clock_ns(); });
  if (len == 0 || len > kMaxTxFrame) {
    ++counters_.tx_too_long;
    return false;
  }
  uint16_t id = tx_.alloc();
  if (id == Virtqueue::kNoDescriptor) {
    ++counters_.tx_ring_full;
    // A ring that filled up behind a lost notification is woken here.
    if (stalled) notify_stalled_tx();
    return false;
  }
  uint8_t* buf = tx_buffer(id);
  // No offloads negotiated: flags 0, gso_type VIRTIO_NET_HDR_GSO_NONE, and
  // num_buffers 0 ("The driver MUST set num_buffers to zero" on transmit,
  // §5.1.6.2.1) -- an all-zero header.
  memset(buf, 0, kHeaderSize);
  memcpy(buf + kHeaderSize, frame, len);
  tx_.add(id, tx_buffers_ + uint64_t{id} * kBufferSize, static_cast<uint32_t>(kHeaderSize + len),
          false);
  tx_.publish();
  if (tx_.needs_notify()) {
    transport_.notify(net_spec::kTransmitQueue);
    ++counters_.notifies_tx;
  } else if (stalled) {
    notify_stalled_tx();
  }
  ++counters_.tx_frames;
  counters_.tx_bytes += len;
  return true;
}

}  // namespace virtio
