// Receive (virtio 1.2 §5.1.6.3, §5.1.6.4): a frame from the backend is
// written behind a virtio_net_hdr into chains from the receive queue. With
// VIRTIO_NET_F_MRG_RXBUF it may span several chains (num_buffers says how
// many); without, it must fit in one. When the ring is empty the device
// answers kNoBuffer, asks the driver for a notification, and resumes the
// backend when the driver adds buffers.
//
// Bounded work: one frame takes at most a queue's worth of chains per
// attempt and at most kMaxRounds attempts, whatever the driver does to its
// ring meanwhile; the device thread also serves the backend, the console and
// signals.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "virtio/net/virtio_net.h"
#include "virtio/queue/chain_copy.h"
#include "virtio/spec.h"

namespace vmm::virtio {

namespace {
// Each further attempt needs the driver to have moved the avail index while
// notifications were being turned on. An honest driver does that a few times
// at most; one that does it forever (from another vCPU) only makes the frame
// wait for a later turn of the device thread (retry_receive_later).
constexpr int kMaxRounds = 4;
}  // namespace

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
  RxChains taken = VMM_TRY(take_rx_chains(needed));
  if (taken.outcome == RxTake::kRingEmpty) return false;
  if (taken.outcome == RxTake::kRingTooSmall) {
    refuse_frame(frame.size(), taken.chains);
    return true;
  }
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
  VMM_TRY_VOID(write_frame(frame, taken.chains));
  counters_.rx_frames.add();
  counters_.rx_bytes.add(frame.size());
  return true;
}

// Takes enough chains for `bytes_needed` (one chain without MRG_RXBUF), or
// finds that a queue's worth is not enough, or takes none: then the driver
// has been asked to notify when it adds buffers, or a retry is posted.
Result<VirtioNet::RxChains> VirtioNet::take_rx_chains(size_t bytes_needed) {
  for (int round = 0; round < kMaxRounds; ++round) {
    RxChains taken = VMM_TRY(take_rx_chains_once(bytes_needed));
    if (taken.outcome != RxTake::kRingEmpty) return taken;
    if (rx_ring_empty_hook_) rx_ring_empty_hook_();
    if (!rx_buffers_arrived_since(taken.empty_at)) return taken;
  }
  retry_receive_later();
  return RxChains{RxTake::kRingEmpty};
}

Result<VirtioNet::RxChains> VirtioNet::take_rx_chains_once(size_t bytes_needed) {
  Virtqueue& rx = *rx_;
  uint64_t room = 0;
  uint16_t taken = 0;
  while (room < bytes_needed) {
    // A driver cannot have more than a queue's worth of chains available
    // at once (pop() refuses an avail idx further ahead), so if these do not
    // hold the frame, waiting for more cannot help. Without the bound a
    // driver refilling zero-length chains as fast as they are taken would
    // hold the device thread here for good.
    if (taken == rx.size()) return RxChains{RxTake::kRingTooSmall, taken};
    if (taken == rx_chains_.size()) rx_chains_.emplace_back();
    DescriptorChain& chain = rx_chains_[taken];
    bool popped = VMM_TRY(rx.pop(chain));
    if (!popped) {
      // pop() found avail idx == next_avail_idx(): that is the index the
      // notification request must be compared with (rx_buffers_arrived_since).
      uint16_t empty_at = rx.next_avail_idx();
      rx.unpop(taken);
      return RxChains{RxTake::kRingEmpty, 0, empty_at};
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
  return RxChains{RxTake::kFits, taken};
}

Result<void> VirtioNet::write_frame(std::span<const uint8_t> frame, uint16_t chains) {
  net_spec::Header header{};
  header.gso_type = net_spec::kGsoNone;
  // The number of chains this frame uses (virtio 1.2 §5.1.6.4.1); always 1
  // without MRG_RXBUF. At most the queue size, so it fits.
  header.num_buffers = chains;
  std::span<const DescriptorChain> used(rx_chains_.data(), chains);
  ChainWriter writer(memory_, used);
  VMM_TRY_VOID(writer.write(std::span(reinterpret_cast<const uint8_t*>(&header), sizeof header)));
  VMM_TRY_VOID(writer.write(frame));
  for (size_t i = 0; i < chains; ++i) rx_->push_used(used[i].head, writer.written_into(i));
  publish(*rx_);
  return ok();
}

// A whole queue's worth of the driver's chains cannot hold the frame, so no
// amount of waiting will let it in. The chains go back used with nothing
// written (a used length of 0 is "no data", which drivers discard; Linux's
// virtio_net counts a length error and frees the buffer), so the driver can
// refill the ring and the next frame finds fresh buffers rather than the
// same too-small ones.
void VirtioNet::refuse_frame(size_t frame_bytes, uint16_t chains) {
  for (uint16_t i = 0; i < chains; ++i) rx_->push_used(rx_chains_[i].head, 0);
  publish(*rx_);
  counters_.rx_dropped_ring_too_small.add();
  if (log_once_.first_time("rx ring small"))
    spdlog::warn("virtio-net: dropped a {}-byte frame: {} receive chains hold less; "
                 "returned them unused",
                 frame_bytes, chains);
}

// Out of buffers: ask for a notification, then look once more.
//
// Why no wakeup is lost: the failed pop saw avail idx == `empty_at`. The
// driver may add buffers after that pop and before it can see the request
// below; it then does not notify (it read an old avail_event, or NO_NOTIFY).
// So the look after the request compares with `empty_at`, the index the
// failed pop saw, not with the index the request itself read. The request
// and the driver's avail idx update are each followed by a full barrier
// before the other side's field is read (virtio 1.2 §2.7.10; our side in
// Virtqueue::enable_notifications), so either this look sees the new index
// or the driver sees the request and notifies.
bool VirtioNet::rx_buffers_arrived_since(uint16_t empty_at) {
  rx_->enable_notifications();
  if (rx_->avail_moved_since(empty_at)) {
    rx_->disable_notifications();
    return true;
  }
  mark_waiting_for_rx();
  return false;
}

// The driver kept adding buffers as each attempt ran out: notifications are
// off (the last look found buffers), so nobody will notify for the buffers
// already there. Instead of waiting, offer the frame again on a later turn of
// the device thread. Posted rather than called: a backend records our
// kNoBuffer answer after deliver_frame() returns, and a resume it saw before
// that would be overwritten.
void VirtioNet::retry_receive_later() {
  boost::asio::post(device_context_, guarded(alive_, [this] {
    if (running()) backend_.resume_receive();
  }));
}

void VirtioNet::mark_waiting_for_rx() {
  if (!waiting_for_rx_) counters_.rx_waits_for_buffers.add();
  waiting_for_rx_ = true;
}

// A receive queue notification, on the device thread. Why no wakeup is lost:
// a notification only comes after the driver published its new avail idx,
// and the backend's resume reads the ring afresh; a notification for buffers
// the device already took is just a resume that finds nothing new.
void VirtioNet::rx_buffers_added() {
  if (!rx_ || !waiting_for_rx_) return;
  waiting_for_rx_ = false;
  rx_->disable_notifications();
  backend_.resume_receive();
}

}  // namespace vmm::virtio
