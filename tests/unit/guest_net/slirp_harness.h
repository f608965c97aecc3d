// A NetStack wired to libslirp in-process: slirp plays the VMM's `user`
// network (10.0.2.0/24, gateway 10.0.2.2 = the host's loopback), so the
// stack talks to real Linux sockets through the host's TCP/IP stack. One
// thread drives both: slirp through its poll API, the stack through
// receive()/tick(). Frames are queued in both directions and delivered from
// the loop, never from inside the other side's call.
#pragma once

#include <poll.h>
#include <slirp/libslirp.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "guest/net/net_stack.h"
#include "test_env.h"

namespace net::test {

// A TestEnv on the real monotonic clock.
class RealClockEnv : public TestEnv {
 public:
  uint64_t now_ns() override;
};

class SlirpHarness {
 public:
  static constexpr Ipv4Addr kGuest = make_ipv4(10, 0, 2, 15);
  static constexpr Ipv4Addr kGateway = make_ipv4(10, 0, 2, 2);

  SlirpHarness();
  ~SlirpHarness();
  SlirpHarness(const SlirpHarness&) = delete;
  SlirpHarness& operator=(const SlirpHarness&) = delete;

  NetStack& stack() { return stack_; }
  RealClockEnv& env() { return env_; }
  // 127.0.0.1:host_port on the host reaches kGuest:guest_port.
  bool forward(bool udp, int host_port, int guest_port);
  // Runs the loop until done() or the time limit; done() may act.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit);

  uint64_t frames_to_slirp() const { return frames_to_slirp_; }
  uint64_t frames_to_stack() const { return frames_to_stack_; }

 private:
  class Device;
  struct Timer {
    SlirpTimerId id;
    void* cb_opaque;
    int64_t expire_ms = -1;
  };

  void step(int max_wait_ms);
  void deliver_frames();
  void fire_timers();
  int poll_timeout_ms(uint32_t slirp_timeout) const;

  static ssize_t on_send_packet(const void* buf, size_t len, void* opaque);
  static void on_guest_error(const char* msg, void* opaque);
  static int64_t on_clock_get_ns(void* opaque);
  static void* on_timer_new_opaque(SlirpTimerId id, void* cb_opaque, void* opaque);
  static void on_timer_free(void* timer, void* opaque);
  static void on_timer_mod(void* timer, int64_t expire_ms, void* opaque);
  static void on_register_poll_fd(int fd, void* opaque);
  static void on_unregister_poll_fd(int fd, void* opaque);
  static void on_notify(void* opaque);
  static int on_add_poll(int fd, int events, void* opaque);
  static int on_get_revents(int idx, void* opaque);

  RealClockEnv env_;
  std::unique_ptr<Device> device_;
  NetStack stack_;
  int iface_ = -1;
  Slirp* slirp_ = nullptr;
  SlirpCb callbacks_{};
  std::vector<std::unique_ptr<Timer>> timers_;
  std::vector<::pollfd> pollfds_;
  std::deque<std::vector<uint8_t>> to_slirp_;
  std::deque<std::vector<uint8_t>> to_stack_;
  uint64_t frames_to_slirp_ = 0;
  uint64_t frames_to_stack_ = 0;
};

}  // namespace net::test
