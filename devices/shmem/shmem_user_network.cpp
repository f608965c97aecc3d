#include "devices/shmem/shmem_user_network.h"

#include <arpa/inet.h>
#include <spdlog/spdlog.h>

namespace vmm {

namespace {

in_addr to_in_addr(uint32_t host_order) {
  in_addr addr{};
  addr.s_addr = htonl(host_order);
  return addr;
}

// QEMU's -netdev user defaults moved to 10.0.3.0/24; IPv4 only.
SlirpConfig shmem_network_config() {
  SlirpConfig config{};
  config.version = 4;  // the fields up to disable_dhcp; timer_new_opaque callbacks
  config.restricted = 0;
  config.in_enabled = true;
  config.vnetwork = to_in_addr(kShmemNetwork);
  config.vnetmask = to_in_addr(kShmemNetmask);
  config.vhost = to_in_addr(kShmemHostAddr);
  config.vdhcp_start = to_in_addr(kShmemGuestAddr);
  config.vnameserver = to_in_addr(kShmemDnsAddr);
  config.in6_enabled = false;
  config.vhostname = "vmm";
  config.disable_host_loopback = false;  // 10.0.3.2 is the host's 127.0.0.1
  config.enable_emu = false;             // libslirp: "isn't safe"
  return config;
}

}  // namespace

const SlirpCb ShmemUserNetwork::kCallbacks = [] {
  SlirpCb callbacks{};
  callbacks.send_packet = &ShmemUserNetwork::on_send_packet;
  callbacks.guest_error = &ShmemUserNetwork::on_guest_error;
  callbacks.clock_get_ns = &ShmemUserNetwork::on_clock_get_ns;
  callbacks.timer_free = &ShmemUserNetwork::on_timer_free;
  callbacks.timer_mod = &ShmemUserNetwork::on_timer_mod;
  callbacks.register_poll_fd = &ShmemUserNetwork::on_register_poll_fd;
  callbacks.unregister_poll_fd = &ShmemUserNetwork::on_unregister_poll_fd;
  callbacks.notify = &ShmemUserNetwork::on_notify;
  callbacks.timer_new_opaque = &ShmemUserNetwork::on_timer_new_opaque;
  return callbacks;
}();

ShmemUserNetwork::ShmemUserNetwork()
    : timers_([this](SlirpTimerId id, void* cb_opaque) {
        slirp_handle_timer(slirp_.get(), id, cb_opaque);
        if (poller_) poller_->schedule_refresh();
      }) {}

ShmemUserNetwork::~ShmemUserNetwork() {
  receiver_ = nullptr;
  slirp_.reset();  // may free timers: before timers_ goes
}

Result<std::unique_ptr<ShmemUserNetwork>> ShmemUserNetwork::create() {
  std::unique_ptr<ShmemUserNetwork> network(new ShmemUserNetwork());
  SlirpConfig config = shmem_network_config();
  network->slirp_.reset(slirp_new(&config, &kCallbacks, network.get()));
  if (!network->slirp_) return make_error("--shmem: libslirp could not set up the network");
  return network;
}

Result<void> ShmemUserNetwork::attach(boost::asio::io_context& context, net::FrameReceiver& receiver) {
  if (receiver_) return make_error("--shmem: network attached twice");
  poller_ = VMM_TRY(net::SlirpPoller::create(slirp_.get(), context));
  receiver_ = &receiver;
  timers_.attach(context);
  return ok();
}

net::SendResult ShmemUserNetwork::send_frame(std::span<const uint8_t> frame) {
  // Replies slirp computes at once come back through on_send_packet before
  // slirp_input returns.
  slirp_input(slirp_.get(), frame.data(), static_cast<int>(frame.size()));
  if (poller_) poller_->schedule_refresh();  // a new connection may have a socket now
  return net::SendResult::kSent;
}

void ShmemUserNetwork::frame_for_guest(std::span<const uint8_t> frame) {
  if (!receiver_ || receiver_->deliver_frame(frame) == net::Delivery::kNoBuffer)
    dropped_no_buffer_.add();
}

net::BackendCounters ShmemUserNetwork::counters() const {
  net::BackendCounters counters;
  counters.rx_dropped_no_buffer = dropped_no_buffer_.get();
  return counters;
}

// ---- libslirp callbacks (SlirpCb), all on the attached context's thread ----

ssize_t ShmemUserNetwork::on_send_packet(const void* buf, size_t len, void* opaque) {
  static_cast<ShmemUserNetwork*>(opaque)->frame_for_guest(
      std::span(static_cast<const uint8_t*>(buf), len));
  return static_cast<ssize_t>(len);
}

void ShmemUserNetwork::on_guest_error(const char* msg, void*) {
  spdlog::debug("shmem slirp: guest error: {}", msg);
}

int64_t ShmemUserNetwork::on_clock_get_ns(void*) { return net::SlirpTimers::now_ns(); }

void* ShmemUserNetwork::on_timer_new_opaque(SlirpTimerId id, void* cb_opaque, void* opaque) {
  return static_cast<ShmemUserNetwork*>(opaque)->timers_.create(id, cb_opaque);
}

void ShmemUserNetwork::on_timer_free(void* timer, void* opaque) {
  static_cast<ShmemUserNetwork*>(opaque)->timers_.destroy(timer);
}

void ShmemUserNetwork::on_timer_mod(void* timer, int64_t expire_ms, void* opaque) {
  static_cast<ShmemUserNetwork*>(opaque)->timers_.modify(timer, expire_ms);
}

// Sockets are found through slirp_pollfds_fill on every cycle instead.
void ShmemUserNetwork::on_register_poll_fd(int, void*) {}
void ShmemUserNetwork::on_unregister_poll_fd(int, void*) {}

void ShmemUserNetwork::on_notify(void* opaque) {
  auto* self = static_cast<ShmemUserNetwork*>(opaque);
  if (self->poller_) self->poller_->schedule_refresh();
}

}  // namespace vmm
