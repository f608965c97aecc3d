// A `user` network: a user-mode TCP/IP stack (libslirp) in the VMM process,
// so no privileges are needed. `--net user` gets QEMU's network: the guest
// is 10.0.2.15 (DHCP), 10.0.2.2 reaches the host's loopback, 10.0.2.3
// answers DNS with the host's resolver; host forwards let host programs
// reach guest servers. The shared-memory device gets an instance of its own
// on 10.0.3.0/24, so that a guest with both devices has two networks.
//
// Frames for the guest that find the receiver without buffers are kept, in
// order, up to kMaxHeldFrames; beyond that they are dropped and counted
// (TCP retransmits them).
//
// The guest may not spend the VMM's file descriptors: libslirp opens a host
// socket for each connection, UDP source port and outside ping the guest
// starts, and tells us of each (register/unregister_poll_fd). Once
// kMaxHostSockets are open, a frame that might open another
// (socket_opening_frame.h) is dropped and counted until some close (UDP
// sockets after 240 s idle, TCP once closed); connections already open go
// on.
#pragma once

#include <libslirp.h>

#include <atomic>
#include <deque>
#include <memory>
#include <vector>

#include "hostnet/host_forward.h"
#include "hostnet/net_backend.h"
#include "hostnet/slirp_poller.h"
#include "hostnet/slirp_timers.h"
#include "hv/core/alive_token.h"
#include "hv/core/relaxed_counter.h"

namespace vmm::net {

// The addresses of one user network (host byte order), and the option that
// asked for it, which its error messages name.
struct UserNetwork {
  uint32_t network, netmask, host, dns, guest;
  const char* option;
};

inline constexpr UserNetwork kNetUserNetwork = {kUserNetwork, kUserNetmask, kUserHostAddr,
                                                kUserDnsAddr, kUserGuestAddr, "--net user"};
inline constexpr UserNetwork kShmemUserNetwork = {kShmemNetwork,  // 10.0.3.0/24
                                                  0xffffff00,
                                                  0x0a000302,  // 10.0.3.2: the host's loopback
                                                  0x0a000303,  // 10.0.3.3: DNS
                                                  kShmemGuestAddr,  // 10.0.3.15: the first DHCP lease
                                                  "--shmem"};

// What the guest may reach through the network.
enum class GuestReach {
  // QEMU's default: any address outside (through host sockets), the host's
  // loopback as 10.0.2.2, DNS forwarded to the host's resolver.
  kOutside,
  // restrict=on (libslirp's SlirpConfig.restricted): slirp answers ARP,
  // DHCP and pings of its own addresses, and carries the connections host
  // forwards open into the guest; every other packet the guest sends is
  // dropped without an answer, DNS and 10.0.2.2 (the host's loopback)
  // included.
  kForwardsOnly,
};

class SlirpBackend final : public NetBackend {
 public:
  static constexpr size_t kMaxHeldFrames = 256;
  // Per network; two networks and the VMM's own descriptors stay well under
  // the usual 1024 descriptors a process may hold.
  static constexpr size_t kMaxHostSockets = 256;

  // Sets up the stack and listens on every forwarded host port; errors name
  // the network's option and the failing forward. An unrestricted network
  // first has libslirp read the host's resolver configuration
  // (slirp_resolver.h): create() runs before the network's thread is
  // confined.
  static Result<std::unique_ptr<SlirpBackend>> create(const UserNetwork& network,
                                                      const std::vector<HostForward>& forwards,
                                                      GuestReach reach = GuestReach::kOutside);
  // `--net user`'s network.
  static Result<std::unique_ptr<SlirpBackend>> create(const std::vector<HostForward>& forwards,
                                                      GuestReach reach = GuestReach::kOutside) {
    return create(kNetUserNetwork, forwards, reach);
  }
  ~SlirpBackend() override;
  SlirpBackend(const SlirpBackend&) = delete;
  SlirpBackend& operator=(const SlirpBackend&) = delete;

  std::string_view kind() const override { return "user"; }
  Result<void> attach(boost::asio::io_context& context, FrameReceiver& receiver) override;
  SendResult send_frame(std::span<const uint8_t> frame) override;
  void resume_receive() override;
  BackendCounters counters() const override;

 private:
  struct SlirpDeleter {
    void operator()(Slirp* slirp) const { slirp_cleanup(slirp); }
  };

  explicit SlirpBackend(const UserNetwork& network);
  Result<void> add_forward(const HostForward& forward);
  void frame_for_guest(std::span<const uint8_t> frame);
  void hold(std::span<const uint8_t> frame);
  void deliver_held();

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

  UserNetwork network_;
  boost::asio::io_context* context_ = nullptr;
  FrameReceiver* receiver_ = nullptr;
  std::deque<std::vector<uint8_t>> held_;
  bool receiver_full_ = false;  // answered kNoBuffer; waiting for resume_receive()
  virtio::RelaxedCounter dropped_no_buffer_;
  virtio::RelaxedCounter dropped_socket_budget_;
  size_t open_sockets_ = 0;  // libslirp's host sockets, listeners included
  bool log_once_socket_budget_ = true;
  SlirpTimers timers_;
  std::unique_ptr<SlirpPoller> poller_;
  std::unique_ptr<Slirp, SlirpDeleter> slirp_;  // last: cleaned up first, while timers exist
  virtio::AliveToken alive_;
};

}  // namespace vmm::net
