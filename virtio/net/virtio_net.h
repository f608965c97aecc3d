// The virtio network device (virtio 1.2 §5.1) with one receive and one
// transmit queue, VIRTIO_NET_F_MAC, _STATUS and _MRG_RXBUF, on top of a
// NetBackend. Frames go out with the virtio_net_hdr stripped; frames come
// in behind a header whose num_buffers says how many chains they fill.
//
// Threads: all queue work runs on the device thread (the io_context given at
// construction, which is also the backend's). vCPU threads only read the
// configuration space, which never changes after construction.
#pragma once

#include <boost/asio/io_context.hpp>

#include <functional>
#include <optional>
#include <vector>

#include "virtio/device/virtio_device.h"
#include "hostnet/net_backend.h"
#include "virtio/net/mac_address.h"
#include "hv/core/alive_token.h"
#include "hv/core/log_once.h"
#include "hv/core/relaxed_counter.h"
#include "hv/memory/guest_memory.h"

namespace vmm::virtio {

struct NetDeviceCounters {
  uint64_t rx_frames = 0, rx_bytes = 0;  // into guest buffers, bytes without the header
  uint64_t tx_frames = 0, tx_bytes = 0;  // handed to the backend, bytes without the header
  uint64_t rx_dropped_buffer_too_small = 0;  // one chain too small, without MRG_RXBUF
  uint64_t rx_dropped_ring_too_small = 0;    // a queue's worth of chains too small, MRG_RXBUF
  uint64_t tx_dropped_malformed = 0;         // shorter than the header or too long
  uint64_t tx_dropped_backend_error = 0;     // the backend refused the frame
  uint64_t rx_waits_for_buffers = 0;         // times receive stalled on an empty ring
};

class VirtioNet final : public VirtioDevice, public net::FrameReceiver {
 public:
  static constexpr uint16_t kQueueSize = 256;
  // The largest frame accepted from the guest: a 64 KiB IP packet in an
  // Ethernet frame with a VLAN tag. Without GSO features a guest sends at
  // most MTU-sized frames; this only bounds the copy.
  static constexpr size_t kMaxFrameBytes = 65536 + 18;

  VirtioNet(const GuestMemory& memory, net::NetBackend& backend, net::MacAddress mac,
            boost::asio::io_context& device_context);

  uint32_t device_type() const override;
  uint64_t device_features() const override;
  uint16_t queue_count() const override;
  uint16_t queue_max_size() const override { return kQueueSize; }
  void read_config(uint64_t offset, std::span<uint8_t> data) const override;
  void write_config(uint64_t offset, std::span<const uint8_t> data) override;

  void activate(Activation activation) override;
  void reset() override;
  void queue_notified(uint16_t queue) override;

  net::Delivery deliver_frame(std::span<const uint8_t> frame) override;

  NetDeviceCounters counters() const;

  // Tests only: runs on the device thread after a receive pop found the ring
  // empty and before the device asks for a notification, the window in which
  // a driver on another vCPU adds buffers without seeing that request.
  void set_rx_ring_empty_hook_for_testing(std::function<void()> hook) {
    rx_ring_empty_hook_ = std::move(hook);
  }

 private:
  // What one attempt to take receive chains for a frame found.
  enum class RxTake {
    kFits,           // `chains` chains hold the frame (or, without MRG_RXBUF, one chain)
    kRingTooSmall,   // a whole queue's worth of chains does not: refuse the frame
    kRingEmpty,      // the ring ran out first; nothing stays taken
  };
  struct RxChains {
    RxTake outcome;
    uint16_t chains = 0;    // taken, in rx_chains_ (kFits, kRingTooSmall)
    uint16_t empty_at = 0;  // the avail index the failed pop saw (kRingEmpty)
  };

  bool running() const { return signals_ != nullptr && !broken_; }
  void fail(const Error& error);
  void publish(Virtqueue& queue);

  // Transmit (virtio_net_tx.cpp).
  void process_tx();
  void transmit(const DescriptorChain& chain);

  // Receive (virtio_net_rx.cpp).
  Result<bool> place_frame(std::span<const uint8_t> frame);
  Result<RxChains> take_rx_chains(size_t bytes_needed);
  Result<RxChains> take_rx_chains_once(size_t bytes_needed);
  Result<void> write_frame(std::span<const uint8_t> frame, uint16_t chains);
  void refuse_frame(size_t frame_bytes, uint16_t chains);
  bool rx_buffers_arrived_since(uint16_t empty_at);
  void retry_receive_later();
  void mark_waiting_for_rx();
  void rx_buffers_added();

  const GuestMemory& memory_;
  net::NetBackend& backend_;
  net::MacAddress mac_;
  boost::asio::io_context& device_context_;
  LogOnce log_once_;

  // Device-thread state, set by activate(), cleared by reset().
  DeviceSignals* signals_ = nullptr;
  std::optional<Virtqueue> rx_;
  std::optional<Virtqueue> tx_;
  bool mergeable_rx_ = false;
  bool broken_ = false;           // DEVICE_NEEDS_RESET was raised
  bool waiting_for_rx_ = false;   // receive asked the driver for a notification
  DescriptorChain tx_chain_;
  std::vector<uint8_t> tx_bytes_;
  std::vector<DescriptorChain> rx_chains_;  // at most a queue's worth
  std::function<void()> rx_ring_empty_hook_;

  struct {
    RelaxedCounter rx_frames, rx_bytes, tx_frames, tx_bytes;
    RelaxedCounter rx_dropped_buffer_too_small, rx_dropped_ring_too_small, tx_dropped_malformed;
    RelaxedCounter tx_dropped_backend_error, rx_waits_for_buffers;
  } counters_;
  AliveToken alive_;
};

}  // namespace vmm::virtio
