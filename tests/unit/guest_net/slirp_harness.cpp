#include "slirp_harness.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <time.h>

#include <algorithm>
#include <cstdio>

namespace net::test {

namespace {

int64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

in_addr to_in_addr(Ipv4Addr a) { return in_addr{host_to_be32(a)}; }

}  // namespace

uint64_t RealClockEnv::now_ns() { return static_cast<uint64_t>(monotonic_ns()); }

class SlirpHarness::Device final : public NetDevice {
 public:
  explicit Device(SlirpHarness& h) : harness_(h) {}
  bool transmit(const uint8_t* frame, size_t len) override {
    harness_.to_slirp_.emplace_back(frame, frame + len);
    return true;
  }

 private:
  SlirpHarness& harness_;
};

SlirpHarness::SlirpHarness() : device_(std::make_unique<Device>(*this)), stack_(env_) {
  EXPECT_EQ(stack_.init(), 0);
  InterfaceConfig ic;
  ic.name = "eth0";
  ic.mac = MacAddress{{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}};
  ic.address = kGuest;
  ic.prefix_len = 24;
  ic.device = device_.get();
  iface_ = stack_.add_interface(ic);
  EXPECT_EQ(iface_, 1);
  EXPECT_EQ(stack_.set_default_gateway(kGateway), 0);

  SlirpConfig config{};
  config.version = 4;
  config.in_enabled = true;
  config.vnetwork = to_in_addr(make_ipv4(10, 0, 2, 0));
  config.vnetmask = to_in_addr(make_ipv4(255, 255, 255, 0));
  config.vhost = to_in_addr(kGateway);
  config.vdhcp_start = to_in_addr(kGuest);
  config.vnameserver = to_in_addr(make_ipv4(10, 0, 2, 3));
  config.in6_enabled = false;
  config.disable_host_loopback = false;  // 10.0.2.2 is the host's 127.0.0.1
  config.disable_dns = true;
  config.disable_dhcp = true;
  callbacks_.send_packet = &on_send_packet;
  callbacks_.guest_error = &on_guest_error;
  callbacks_.clock_get_ns = &on_clock_get_ns;
  callbacks_.timer_free = &on_timer_free;
  callbacks_.timer_mod = &on_timer_mod;
  callbacks_.register_poll_fd = &on_register_poll_fd;
  callbacks_.unregister_poll_fd = &on_unregister_poll_fd;
  callbacks_.notify = &on_notify;
  callbacks_.timer_new_opaque = &on_timer_new_opaque;
  slirp_ = slirp_new(&config, &callbacks_, this);
  EXPECT_NE(slirp_, nullptr);
}

SlirpHarness::~SlirpHarness() {
  if (slirp_ != nullptr) slirp_cleanup(slirp_);
}

bool SlirpHarness::forward(bool udp, int host_port, int guest_port) {
  return slirp_add_hostfwd(slirp_, udp ? 1 : 0, to_in_addr(make_ipv4(127, 0, 0, 1)), host_port,
                           to_in_addr(kGuest), guest_port) == 0;
}

ssize_t SlirpHarness::on_send_packet(const void* buf, size_t len, void* opaque) {
  auto* h = static_cast<SlirpHarness*>(opaque);
  auto* bytes = static_cast<const uint8_t*>(buf);
  h->to_stack_.emplace_back(bytes, bytes + len);
  return static_cast<ssize_t>(len);
}

void SlirpHarness::on_guest_error(const char* msg, void*) { std::fprintf(stderr, "slirp: %s\n", msg); }

int64_t SlirpHarness::on_clock_get_ns(void*) { return monotonic_ns(); }

void* SlirpHarness::on_timer_new_opaque(SlirpTimerId id, void* cb_opaque, void* opaque) {
  auto* h = static_cast<SlirpHarness*>(opaque);
  h->timers_.push_back(std::make_unique<Timer>(Timer{id, cb_opaque}));
  return h->timers_.back().get();
}

void SlirpHarness::on_timer_free(void* timer, void* opaque) {
  auto* h = static_cast<SlirpHarness*>(opaque);
  std::erase_if(h->timers_, [&](const std::unique_ptr<Timer>& t) { return t.get() == timer; });
}

void SlirpHarness::on_timer_mod(void* timer, int64_t expire_ms, void*) {
  static_cast<Timer*>(timer)->expire_ms = expire_ms;
}

void SlirpHarness::on_register_poll_fd(int, void*) {}
void SlirpHarness::on_unregister_poll_fd(int, void*) {}
void SlirpHarness::on_notify(void*) {}

int SlirpHarness::on_add_poll(int fd, int events, void* opaque) {
  auto* h = static_cast<SlirpHarness*>(opaque);
  short e = 0;
  if (events & SLIRP_POLL_IN) e |= POLLIN;
  if (events & SLIRP_POLL_OUT) e |= POLLOUT;
  if (events & SLIRP_POLL_PRI) e |= POLLPRI;
  h->pollfds_.push_back(pollfd{fd, e, 0});
  return static_cast<int>(h->pollfds_.size() - 1);
}

int SlirpHarness::on_get_revents(int idx, void* opaque) {
  auto* h = static_cast<SlirpHarness*>(opaque);
  if (idx < 0 || static_cast<size_t>(idx) >= h->pollfds_.size()) return 0;
  short r = h->pollfds_[idx].revents;
  int e = 0;
  if (r & POLLIN) e |= SLIRP_POLL_IN;
  if (r & POLLOUT) e |= SLIRP_POLL_OUT;
  if (r & POLLPRI) e |= SLIRP_POLL_PRI;
  if (r & POLLERR) e |= SLIRP_POLL_ERR;
  if (r & POLLHUP) e |= SLIRP_POLL_HUP;
  return e;
}

// Frames go back and forth until both queues are empty (each side may
// answer at once); bounded so a storm cannot hang the test.
void SlirpHarness::deliver_frames() {
  for (int round = 0; round < 100000 && (!to_slirp_.empty() || !to_stack_.empty()); ++round) {
    while (!to_slirp_.empty()) {
      std::vector<uint8_t> f = std::move(to_slirp_.front());
      to_slirp_.pop_front();
      frames_to_slirp_++;
      slirp_input(slirp_, f.data(), static_cast<int>(f.size()));
    }
    while (!to_stack_.empty()) {
      std::vector<uint8_t> f = std::move(to_stack_.front());
      to_stack_.pop_front();
      frames_to_stack_++;
      stack_.receive(iface_, f.data(), f.size());
    }
  }
}

void SlirpHarness::fire_timers() {
  int64_t now_ms = monotonic_ns() / 1000000;
  for (size_t i = 0; i < timers_.size(); ++i) {
    Timer& t = *timers_[i];
    if (t.expire_ms >= 0 && t.expire_ms <= now_ms) {
      t.expire_ms = -1;
      slirp_handle_timer(slirp_, t.id, t.cb_opaque);
    }
  }
}

int SlirpHarness::poll_timeout_ms(uint32_t slirp_timeout) const {
  int64_t timeout = slirp_timeout;
  uint64_t deadline = stack_.next_deadline();
  uint64_t now = static_cast<uint64_t>(monotonic_ns());
  if (deadline != kNoDeadline) {
    int64_t until = deadline <= now ? 0 : static_cast<int64_t>((deadline - now + 999999) / 1000000);
    timeout = std::min(timeout, until);
  }
  for (const auto& t : timers_) {
    if (t->expire_ms >= 0) timeout = std::min<int64_t>(timeout, std::max<int64_t>(0, t->expire_ms - monotonic_ns() / 1000000));
  }
  return static_cast<int>(std::max<int64_t>(0, timeout));
}

void SlirpHarness::step(int max_wait_ms) {
  uint32_t timeout = static_cast<uint32_t>(max_wait_ms);
  pollfds_.clear();
  slirp_pollfds_fill(slirp_, &timeout, &on_add_poll, this);
  int r = ::poll(pollfds_.data(), pollfds_.size(), poll_timeout_ms(timeout));
  slirp_pollfds_poll(slirp_, r < 0 ? 1 : 0, &on_get_revents, this);
  fire_timers();
  deliver_frames();
  uint64_t now = static_cast<uint64_t>(monotonic_ns());
  if (stack_.next_deadline() <= now) stack_.tick(now);
  deliver_frames();
}

bool SlirpHarness::run_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return done();
    // Short waits: the test's own work (done()) runs between them.
    step(to_slirp_.empty() && to_stack_.empty() ? 2 : 0);
  }
  return true;
}

}  // namespace net::test
