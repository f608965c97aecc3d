// The shared-memory device's `user` network: a libslirp instance of its own,
// separate from `--net user`'s, on 10.0.3.0/24 so that a guest with both
// devices has two distinct networks: the guest is 10.0.3.15 (DHCP), 10.0.3.2
// is the host's loopback, 10.0.3.3 answers DNS. No host forwards (yet).
//
// Why not virtio's SlirpBackend: its network (10.0.2.0/24) is fixed inside
// it. This class is the same glue with another SlirpConfig, built from the
// same parts (SlirpPoller, SlirpTimers); once SlirpBackend::create takes the
// network as a parameter, this file should go.
//
// Frames for the guest that the receiver has no room for are dropped and
// counted (rx_dropped_no_buffer): the receiver (ShmemNetAdapter) already
// holds a bounded queue, and TCP retransmits.
#pragma once

#include <libslirp.h>

#include <memory>

#include "virtio/net/backend/net_backend.h"
#include "virtio/net/backend/slirp_poller.h"
#include "virtio/net/backend/slirp_timers.h"
#include "virtio/util/relaxed_counter.h"

namespace vmm {

inline constexpr uint32_t kShmemNetwork = 0x0a000300;    // 10.0.3.0/24
inline constexpr uint32_t kShmemNetmask = 0xffffff00;
inline constexpr uint32_t kShmemHostAddr = 0x0a000302;   // 10.0.3.2: the host's loopback
inline constexpr uint32_t kShmemDnsAddr = 0x0a000303;    // 10.0.3.3
inline constexpr uint32_t kShmemGuestAddr = 0x0a00030f;  // 10.0.3.15: the first DHCP lease

class ShmemUserNetwork final : public net::NetBackend {
 public:
  static Result<std::unique_ptr<ShmemUserNetwork>> create();
  ~ShmemUserNetwork() override;
  ShmemUserNetwork(const ShmemUserNetwork&) = delete;
  ShmemUserNetwork& operator=(const ShmemUserNetwork&) = delete;

  std::string_view kind() const override { return "user"; }
  Result<void> attach(boost::asio::io_context& context, net::FrameReceiver& receiver) override;
  net::SendResult send_frame(std::span<const uint8_t> frame) override;
  void resume_receive() override {}  // nothing is held here
  net::BackendCounters counters() const override;

 private:
  struct SlirpDeleter {
    void operator()(Slirp* slirp) const { slirp_cleanup(slirp); }
  };

  ShmemUserNetwork();
  void frame_for_guest(std::span<const uint8_t> frame);

  static const SlirpCb kCallbacks;
  static ssize_t on_send_packet(const void* buf, size_t len, void* opaque);
  static void on_guest_error(const char* msg, void* opaque);
  static int64_t on_clock_get_ns(void* opaque);
  static void* on_timer_new_opaque(SlirpTimerId id, void* cb_opaque, void* opaque);
  static void on_timer_free(void* timer, void* opaque);
  static void on_timer_mod(void* timer, int64_t expire_ms, void* opaque);
  static void on_register_poll_fd(int fd, void* opaque);
  static void on_unregister_poll_fd(int fd, void* opaque);
  static void on_notify(void* opaque);

  net::FrameReceiver* receiver_ = nullptr;
  virtio::RelaxedCounter dropped_no_buffer_;
  net::SlirpTimers timers_;
  std::unique_ptr<net::SlirpPoller> poller_;
  std::unique_ptr<Slirp, SlirpDeleter> slirp_;  // last: cleaned up first, while timers exist
};

}  // namespace vmm
