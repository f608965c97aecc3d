// Transmit (virtio 1.2 §5.1.6.2): each chain on the transmit queue is a
// virtio_net_hdr followed by one frame; the device strips the header, hands
// the frame to the backend and returns the chain with nothing written.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "virtio/net/virtio_net.h"
#include "virtio/queue/chain_copy.h"
#include "virtio/spec.h"

namespace vmm::virtio {

namespace {
// Chains handled before the device thread yields to its other work: a driver
// that refills the ring as fast as it drains must not starve receive, other
// devices or the signal handler.
constexpr unsigned kTxChainsPerTurn = VirtioNet::kQueueSize;
}  // namespace

void VirtioNet::process_tx() {
  if (!running() || !tx_) return;
  Virtqueue& tx = *tx_;
  for (unsigned budget = kTxChainsPerTurn;;) {
    for (; budget > 0; --budget) {
      auto popped = tx.pop(tx_chain_);
      if (!popped.ok()) return fail(popped.error());
      if (!*popped) break;
      transmit(tx_chain_);
      if (!running()) return;  // the backend's reply broke the receive queue
      tx.push_used(tx_chain_.head, 0);
    }
    publish(tx);
    if (budget == 0) {
      // No wakeup to lose: the next turn is posted, not left to a notification.
      boost::asio::post(device_context_, guarded(alive_, [this] { process_tx(); }));
      return;
    }
    // Ask for the next notification, then look again: the driver may have
    // added a chain before it could see the request (virtio 1.2 §2.7.10).
    // Why no wakeup is lost: the failed pop saw avail idx == next_avail_idx(),
    // and has_available() compares with exactly that index (not with the one
    // enable_notifications() read), so chains added between the failed pop
    // and the request are seen here; chains added after the request's full
    // barrier are the driver's to notify, since it reads avail_event (or
    // flags) after its own barrier. Transmit never turns notifications off,
    // so without EVENT_IDX every kick arrives.
    tx.enable_notifications();
    if (!tx.has_available()) return;
  }
}

void VirtioNet::transmit(const DescriptorChain& chain) {
  constexpr size_t kHeader = sizeof(net_spec::Header);
  if (chain.readable_bytes < kHeader || chain.readable_bytes - kHeader > kMaxFrameBytes) {
    counters_.tx_dropped_malformed.add();
    if (log_once_.first_time("tx size"))
      spdlog::warn("virtio-net: dropped a transmit chain of {} bytes (header {}, frame at most {})",
                   chain.readable_bytes, kHeader, kMaxFrameBytes);
    return;
  }
  if (!gather_readable(memory_, chain, tx_bytes_).ok()) {  // checked when the chain was read
    counters_.tx_dropped_malformed.add();
    return;
  }
  // The header's offload fields only matter with checksum/GSO features,
  // which are not offered, so the frame goes out as the driver built it.
  std::span<const uint8_t> frame = std::span(tx_bytes_).subspan(kHeader);
  if (backend_.send_frame(frame) == net::SendResult::kSent) {
    counters_.tx_frames.add();
    counters_.tx_bytes.add(frame.size());
  } else {
    counters_.tx_dropped_backend_error.add();
  }
}

}  // namespace vmm::virtio
