// Receive (virtio 1.2 §5.1.6.3, §5.1.6.4): a frame from the backend is
// written behind a virtio_net_hdr into chains from the receive queue. With
// VIRTIO_NET_F_MRG_RXBUF it may span several chains (num_buffers says how
// many); without, it must fit in one. When the ring is empty the device
// answers kNoBuffer, asks the driver for a notification, and resumes the
// backend when the driver adds buffers.
#include <spdlog/spdlog.h>

#include "virtio/net/virtio_net.h"
#include "virtio/queue/chain_copy.h"
#include "virtio/spec/net_spec.h"

namespace vmm::virtio {

net::Delivery VirtioNet::deliver_frame(std::span<const uint8_t> frame) {
  if (!running() || !rx_) return net::Delivery::kNoBuffer;
  auto placed = place_frame(frame);
  if (!placed.ok()) {
    fail(placed.error());
    return net::Delivery::kNoBuffer;
  }
  return *placed ? net::Delivery::kAccepted : net::Delivery::kNoBuffer;
}

// True when the frame was taken (written, or dropped as too large for the
// driver's buffers); false when there is no buffer yet.
Result<bool> VirtioNet::place_frame(std::span<const uint8_t> frame) {
  size_t needed = sizeof(net_spec::Header) + frame.size();
  size_t chains = VMM_TRY(take_rx_chains(needed));
  if (chains == 0) return false;
  if (!mergeable_rx_ && rx_chains_[0].writable_bytes < needed) {
    // Without MRG_RXBUF a frame must fit one chain (virtio 1.2 §5.1.6.3.1
    // asks drivers for 1526-byte buffers). The chain stays with the device
    // for the next, maybe smaller, frame.
    rx_->unpop(1);
    counters_.rx_dropped_buffer_too_small.add();
    if (log_once_.first_time("rx small"))
      spdlog::warn("virtio-net: dropped a {}-byte frame: receive buffer holds only {} bytes",
                   frame.size(), rx_chains_[0].writable_bytes);
    return true;
  }
  VMM_TRY_VOID(write_frame(frame, chains));
  counters_.rx_frames.add();
  counters_.rx_bytes.add(frame.size());
  return true;
}

// Takes enough chains for `bytes_needed` (one chain without MRG_RXBUF), or
// none: then the driver has been asked to notify when it adds buffers.
Result<size_t> VirtioNet::take_rx_chains(size_t bytes_needed) {
  // Each further round needs the driver to have moved the avail index while
  // notifications were being turned on. An honest driver does that a few
  // times at most; a hostile one, from another vCPU, could do it forever and
  // hold the device thread here, so the rounds are bounded: after the last,
  // the frame waits like any other for the driver's next notification.
  constexpr int kMaxRounds = 8;
  for (int round = 0; round < kMaxRounds; ++round) {
    size_t taken = VMM_TRY(take_rx_chains_once(bytes_needed));
    if (taken > 0 || !rx_buffers_arrived_meanwhile()) return taken;
  }
  wait_for_rx_notification();
  return size_t{0};
}

Result<size_t> VirtioNet::take_rx_chains_once(size_t bytes_needed) {
  Virtqueue& rx = *rx_;
  uint64_t room = 0;
  size_t taken = 0;
  while (room < bytes_needed) {
    if (taken == rx_chains_.size()) rx_chains_.emplace_back();
    DescriptorChain& chain = rx_chains_[taken];
    bool popped = VMM_TRY(rx.pop(chain));
    if (!popped) {
      rx.unpop(static_cast<uint16_t>(taken));
      return size_t{0};
    }
    // "A device MUST NOT write to a device-readable buffer" (virtio 1.2
    // §2.7.5.1), and receive only writes.
    if (!chain.readable.empty())
      return make_error("receive chain " + std::to_string(chain.head) +
                        " has a device-readable buffer the device would write into");
    room += chain.writable_bytes;
    ++taken;
    if (!mergeable_rx_) break;
  }
  return taken;
}

Result<void> VirtioNet::write_frame(std::span<const uint8_t> frame, size_t chains) {
  net_spec::Header header{};
  header.gso_type = net_spec::kGsoNone;
  // The number of chains this frame uses (virtio 1.2 §5.1.6.4.1); always 1
  // without MRG_RXBUF.
  header.num_buffers = static_cast<uint16_t>(chains);
  std::span<const DescriptorChain> used(rx_chains_.data(), chains);
  ChainWriter writer(memory_, used);
  VMM_TRY_VOID(writer.write(std::span(reinterpret_cast<const uint8_t*>(&header), sizeof header)));
  VMM_TRY_VOID(writer.write(frame));
  for (size_t i = 0; i < chains; ++i) rx_->push_used(used[i].head, writer.written_into(i));
  publish(*rx_);
  return ok();
}

// Out of buffers: ask for a notification, then look once more, since the
// driver may have added buffers before it could see the request.
bool VirtioNet::rx_buffers_arrived_meanwhile() {
  uint16_t seen = rx_->enable_notifications();
  if (rx_->avail_moved_since(seen)) {
    rx_->disable_notifications();
    return true;
  }
  mark_waiting_for_rx();
  return false;
}

// Without looking again: receive resumes on the driver's next notification.
void VirtioNet::wait_for_rx_notification() {
  rx_->enable_notifications();
  mark_waiting_for_rx();
}

void VirtioNet::mark_waiting_for_rx() {
  if (!waiting_for_rx_) counters_.rx_waits_for_buffers.add();
  waiting_for_rx_ = true;
}

void VirtioNet::rx_buffers_added() {
  if (!rx_ || !waiting_for_rx_) return;
  waiting_for_rx_ = false;
  rx_->disable_notifications();
  backend_.resume_receive();
}

}  // namespace vmm::virtio
