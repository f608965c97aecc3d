// The virtio network device driver (virtio 1.2 §5.1) over virtio-mmio:
// one receive and one transmit queue, VIRTIO_F_VERSION_1 only, with
// VIRTIO_NET_F_MAC, _STATUS, _MRG_RXBUF and VIRTIO_F_EVENT_IDX when the
// device offers them. No offloads (no checksum or GSO features): frames go
// out and come in whole, behind a 12-byte virtio_net_hdr.
//
// Buffers: every descriptor id owns one 2 KiB buffer (RX and TX each have
// size x 2 KiB, physically contiguous), so a used id names its buffer.
//
// Threads: single-threaded use, under the glue's net lock; only
// ack_interrupt() may run concurrently (in the interrupt handler), and it
// touches InterruptStatus/ACK, the configuration space and the atomics it
// shares (link state, interrupt count).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/virtio/net.h"
#include "abi/virtio/stall_watch.h"
#include "dev/virtio/driver_queue.h"
#include "dev/virtio/virtio_mmio.h"
#include "net/interface.h"

namespace virtio {

class NetDriver final : public net::NetDevice {
 public:
  static constexpr uint32_t kBufferSize = 2048;  // >= 12-byte header + 1514-byte frame
  static constexpr size_t kHeaderSize = sizeof(net_spec::Header);
  static constexpr size_t kMaxTxFrame = kBufferSize - kHeaderSize;
  static constexpr size_t kScratchSize = 16384;  // a frame gathered from MRG_RXBUF buffers

  // Probes the device at info: magic "virt", version 2 (modern only),
  // DeviceID 1 (net; 0 = no device -> nullptr quietly), reset, ACKNOWLEDGE,
  // DRIVER, feature negotiation (VIRTIO_F_VERSION_1 required; MAC, STATUS,
  // MRG_RXBUF and EVENT_IDX when offered), FEATURES_OK checked, queues 0
  // (RX) and 1 (TX) set up (size = min(QueueNumMax, 256)), RX ring filled,
  // DRIVER_OK. Does not route the interrupt. nullptr with a printed reason
  // on failure (FAILED set in Status).
  static NetDriver* create(const MmioDeviceInfo& info);

  net::MacAddress mac() const { return mac_; }
  bool link_up() const { return __atomic_load_n(&link_up_, __ATOMIC_RELAXED); }
  uint32_t gsi() const { return info_.gsi; }
  uint64_t features() const { return features_; }  // as negotiated

  // Copies the frame (<= kMaxTxFrame bytes) behind a zeroed header into a
  // TX buffer, publishes it, notifies the device only when it asked
  // (EVENT_IDX avail_event, else VIRTQ_USED_F_NO_NOTIFY), or when buffers
  // published earlier have sat unconsumed for kTxStallNs. Reclaims
  // completed TX buffers first. false (counted) if the ring is full or the
  // frame too long.
  bool transmit(const uint8_t* frame, size_t len) override;

  // Calls deliver(ctx, frame, len) for up to budget received frames (header
  // stripped; with MRG_RXBUF a frame in num_buffers > 1 buffers is gathered
  // into a scratch buffer), gives the buffers back, notifies the device
  // when needed. Returns how many frames were delivered. deliver may call
  // transmit().
  using Deliver = void (*)(void* ctx, const uint8_t* frame, size_t len);
  uint32_t poll_rx(uint32_t budget, Deliver deliver, void* ctx);

  // Interrupt handler part: reads InterruptStatus and writes InterruptACK
  // (level-triggered line: acknowledge before the EOI); on a configuration
  // change re-reads the link status. Returns the status bits.
  uint32_t ack_interrupt();

  // NAPI-like RX interrupt suppression. enable_rx_interrupts() returns false
  // if buffers arrived in between (poll again; interrupts stay enabled).
  void disable_rx_interrupts() { rx_.suppress_interrupts(); }
  bool enable_rx_interrupts() { return rx_.enable_interrupts(); }
  bool rx_pending() const { return rx_.used_pending() != 0; }

  struct Counters {
    uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes, tx_ring_full,
        rx_bad, notifies_rx, notifies_tx, interrupts;
    uint64_t tx_bad;       // TX used entries not trusted (bad id or len)
    uint64_t tx_too_long;  // frames longer than kMaxTxFrame, dropped
    uint64_t tx_stall_notifies;  // notifications sent although suppressed (StallWatch)
  };
  // interrupts is updated by ack_interrupt() with an atomic add.
  const Counters& counters() const { return counters_; }

  NetDriver(const NetDriver&) = delete;
  NetDriver& operator=(const NetDriver&) = delete;

 private:
  explicit NetDriver(const MmioDeviceInfo& info);
  ~NetDriver() = default;
  static void destroy(NetDriver* driver);

  // Set-up steps (virtio_net_driver.cpp).
  Status initialize();
  Status negotiate_features();
  Status setup_queue(uint16_t index, Virtqueue& queue, uint64_t* buffers);
  void read_config();
  void release_memory();

  // Data path (virtio_net_driver_rx.cpp, virtio_net_driver_tx.cpp).
  uint8_t* rx_buffer(uint16_t id) const;
  uint8_t* tx_buffer(uint16_t id) const;
  void refill_rx();
  void publish_rx();
  bool handle_rx_buffer(const Virtqueue::Used& used, Deliver deliver, void* ctx);
  bool append_fragment(const uint8_t* data, size_t len);
  void deliver_frame(const uint8_t* frame, size_t len, Deliver deliver, void* ctx);
  void reclaim_tx();
  void notify_stalled_tx();
  void report_broken_queue(const Virtqueue& queue, const char* name);

  MmioDeviceInfo info_;
  MmioTransport transport_;
  uint64_t features_ = 0;
  bool mrg_rxbuf_ = false;
  net::MacAddress mac_ = net::MacAddress::zero();
  bool link_up_ = true;
  bool broken_reported_ = false;
  bool needs_reset_reported_ = false;

  Virtqueue rx_;
  Virtqueue tx_;
  uint64_t rx_buffers_ = 0;  // physical; size x kBufferSize each
  uint64_t tx_buffers_ = 0;
  uint64_t scratch_ = 0;     // physical, kScratchSize (MRG_RXBUF only)

  // A frame being gathered from several MRG_RXBUF buffers.
  uint16_t merge_remaining_ = 0;  // buffers still expected
  size_t merge_len_ = 0;
  bool merge_bad_ = false;

  // Transmit buffers the device stopped consuming are notified again after
  // this long (abi/virtio/stall_watch.h: a notification lost to a missing
  // barrier on either side would otherwise stop the queue for good). Long
  // enough that a device merely busy is rarely notified twice; short next to
  // the retransmission timeouts whose transmits will notice.
  static constexpr uint64_t kTxStallNs = 10'000'000;
  StallWatch tx_stall_{kTxStallNs};

  Counters counters_ = {};
};

}  // namespace virtio
