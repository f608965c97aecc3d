#include "hostnet/slirp_backend.h"

#include "hostnet/slirp_resolver.h"
#include "hostnet/socket_opening_frame.h"

#include <arpa/inet.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <climits>
#include <cstring>

namespace vmm::net {

namespace {

in_addr to_in_addr(uint32_t host_order) {
  in_addr addr{};
  addr.s_addr = htonl(host_order);
  return addr;
}

// IPv4 only (the bundled guest has no IPv6).
SlirpConfig user_network_config(const UserNetwork& network, GuestReach reach) {
  SlirpConfig config{};
  config.version = 4;  // the fields up to disable_dhcp; timer_new_opaque callbacks
  config.restricted = reach == GuestReach::kForwardsOnly;
  config.in_enabled = true;
  config.vnetwork = to_in_addr(network.network);
  config.vnetmask = to_in_addr(network.netmask);
  config.vhost = to_in_addr(network.host);
  config.vdhcp_start = to_in_addr(network.guest);
  config.vnameserver = to_in_addr(network.dns);
  config.in6_enabled = false;
  config.vhostname = "vmm";
  config.disable_host_loopback = false;  // vhost (10.0.2.2) is the host's 127.0.0.1
  config.enable_emu = false;             // libslirp: "isn't safe"
  return config;
}

}  // namespace

const SlirpCb SlirpBackend::kCallbacks = [] {
  SlirpCb callbacks{};
  callbacks.send_packet = &SlirpBackend::on_send_packet;
  callbacks.guest_error = &SlirpBackend::on_guest_error;
  callbacks.clock_get_ns = &SlirpBackend::on_clock_get_ns;
  callbacks.timer_free = &SlirpBackend::on_timer_free;
  callbacks.timer_mod = &SlirpBackend::on_timer_mod;
  callbacks.register_poll_fd = &SlirpBackend::on_register_poll_fd;
  callbacks.unregister_poll_fd = &SlirpBackend::on_unregister_poll_fd;
  callbacks.notify = &SlirpBackend::on_notify;
  callbacks.timer_new_opaque = &SlirpBackend::on_timer_new_opaque;
  return callbacks;
}();

SlirpBackend::SlirpBackend(const UserNetwork& network)
    : network_(network),
      timers_([this](SlirpTimerId id, void* cb_opaque) {
        slirp_handle_timer(slirp_.get(), id, cb_opaque);
        if (poller_) poller_->schedule_refresh();
      }) {}

SlirpBackend::~SlirpBackend() {
  receiver_ = nullptr;
  slirp_.reset();  // may free timers: before timers_ goes
}

Result<std::unique_ptr<SlirpBackend>> SlirpBackend::create(
    const UserNetwork& network, const std::vector<HostForward>& forwards, GuestReach reach) {
  // A restricted network forwards no DNS: it needs no resolver.
  if (reach == GuestReach::kOutside) load_host_resolver_into_slirp();
  std::unique_ptr<SlirpBackend> backend(new SlirpBackend(network));
  SlirpConfig config = user_network_config(network, reach);
  backend->slirp_.reset(slirp_new(&config, &kCallbacks, backend.get()));
  if (!backend->slirp_)
    return make_error(std::string(network.option) + ": libslirp could not set up the network");
  for (const HostForward& forward : forwards) VMM_TRY_VOID(backend->add_forward(forward));
  return backend;
}

Result<void> SlirpBackend::add_forward(const HostForward& forward) {
  errno = 0;
  int failed = slirp_add_hostfwd(slirp_.get(), forward.protocol == Protocol::kUdp,
                                 to_in_addr(forward.host_addr), forward.host_port,
                                 to_in_addr(forward.guest_addr), forward.guest_port);
  if (failed == 0) return ok();
  std::string why = errno ? std::strerror(errno) : "port in use or not permitted";
  return make_error(std::string(network_.option) + ": hostfwd " + describe(forward) + ": cannot listen on the host port: " + why);
}

Result<void> SlirpBackend::attach(boost::asio::io_context& context, FrameReceiver& receiver) {
  if (context_) return make_error(std::string(network_.option) + ": backend attached twice");
  poller_ = VMM_TRY(SlirpPoller::create(slirp_.get(), context));
  context_ = &context;
  receiver_ = &receiver;
  timers_.attach(context);
  return ok();
}

SendResult SlirpBackend::send_frame(std::span<const uint8_t> frame) {
  // Replies slirp can compute at once (ARP, ICMP to 10.0.2.2, DHCP) come
  // back through on_send_packet before slirp_input returns.
  // slirp takes an int length; the device bounds frames to 64 KiB, but the
  // interface does not promise that, so check rather than truncate.
  if (frame.size() > static_cast<size_t>(INT_MAX)) return SendResult::kDropped;
  if (open_sockets_ >= kMaxHostSockets && may_open_host_socket(frame, network_.host, network_.dns)) {
    dropped_socket_budget_.add();
    if (log_once_socket_budget_) {
      log_once_socket_budget_ = false;
      spdlog::warn("{}: the guest holds {} host sockets, the most it may: dropping frames that would open more",
                   network_.option, open_sockets_);
    }
    return SendResult::kDropped;
  }
  slirp_input(slirp_.get(), frame.data(), static_cast<int>(frame.size()));
  if (poller_) poller_->schedule_refresh();  // a new connection may have a socket now
  return SendResult::kSent;
}

void SlirpBackend::frame_for_guest(std::span<const uint8_t> frame) {
  // Behind held frames, in order; or straight to the receiver.
  if (receiver_full_ || !held_.empty() || !receiver_) return hold(frame);
  if (receiver_->deliver_frame(frame) == Delivery::kNoBuffer) {
    receiver_full_ = true;
    hold(frame);
  }
}

void SlirpBackend::hold(std::span<const uint8_t> frame) {
  if (held_.size() >= kMaxHeldFrames) {
    dropped_no_buffer_.add();
    return;
  }
  held_.emplace_back(frame.begin(), frame.end());
}

void SlirpBackend::resume_receive() {
  receiver_full_ = false;
  if (held_.empty() || !context_) return;
  boost::asio::post(*context_, virtio::guarded(alive_, [this] { deliver_held(); }));
}

void SlirpBackend::deliver_held() {
  while (!receiver_full_ && !held_.empty() && receiver_) {
    if (receiver_->deliver_frame(held_.front()) == Delivery::kNoBuffer) {
      receiver_full_ = true;
      return;
    }
    held_.pop_front();
  }
}

BackendCounters SlirpBackend::counters() const {
  BackendCounters counters;
  counters.rx_dropped_no_buffer = dropped_no_buffer_.get();
  counters.tx_dropped_socket_budget = dropped_socket_budget_.get();
  return counters;
}

// ---- libslirp callbacks (SlirpCb), all on the attached context's thread ----

ssize_t SlirpBackend::on_send_packet(const void* buf, size_t len, void* opaque) {
  static_cast<SlirpBackend*>(opaque)->frame_for_guest(
      std::span(static_cast<const uint8_t*>(buf), len));
  return static_cast<ssize_t>(len);
}

void SlirpBackend::on_guest_error(const char* msg, void*) {
  spdlog::debug("slirp: guest error: {}", msg);
}

int64_t SlirpBackend::on_clock_get_ns(void*) { return SlirpTimers::now_ns(); }

void* SlirpBackend::on_timer_new_opaque(SlirpTimerId id, void* cb_opaque, void* opaque) {
  return static_cast<SlirpBackend*>(opaque)->timers_.create(id, cb_opaque);
}

void SlirpBackend::on_timer_free(void* timer, void* opaque) {
  static_cast<SlirpBackend*>(opaque)->timers_.destroy(timer);
}

void SlirpBackend::on_timer_mod(void* timer, int64_t expire_ms, void* opaque) {
  static_cast<SlirpBackend*>(opaque)->timers_.modify(timer, expire_ms);
}

// Sockets are found through slirp_pollfds_fill on every cycle instead.
void SlirpBackend::on_register_poll_fd(int, void* opaque) { ++static_cast<SlirpBackend*>(opaque)->open_sockets_; }

void SlirpBackend::on_unregister_poll_fd(int, void* opaque) {
  size_t& open = static_cast<SlirpBackend*>(opaque)->open_sockets_;
  if (open > 0) --open;
}

void SlirpBackend::on_notify(void* opaque) {
  auto* self = static_cast<SlirpBackend*>(opaque);
  if (self->poller_) self->poller_->schedule_refresh();
}

}  // namespace vmm::net
