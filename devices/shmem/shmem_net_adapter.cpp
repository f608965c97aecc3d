#include "devices/shmem/shmem_net_adapter.h"

#include <boost/asio/post.hpp>

namespace vmm {

ShmemNetAdapter::ShmemNetAdapter(std::unique_ptr<net::NetBackend> backend)
    : work_(context_.get_executor()), wake_timer_(context_), backend_(std::move(backend)) {}

ShmemNetAdapter::~ShmemNetAdapter() = default;

Result<std::unique_ptr<ShmemNetAdapter>> ShmemNetAdapter::create(
    std::unique_ptr<net::NetBackend> backend) {
  if (!backend) return make_error("shmem: no network backend");
  std::unique_ptr<ShmemNetAdapter> adapter(new ShmemNetAdapter(std::move(backend)));
  auto attached = adapter->backend_->attach(adapter->context_, *adapter);
  if (!attached.ok()) return make_error("shmem: " + attached.error().message);
  return adapter;
}

bool ShmemNetAdapter::deliver_to_host(std::span<const uint8_t> frame) {
  // The backend may answer on the spot (ARP, DHCP): that lands in held_
  // through deliver_frame() before this returns, and the same pass moves it.
  return backend_->send_frame(frame) == net::SendResult::kSent;
}

size_t ShmemNetAdapter::fetch_for_guest(std::span<uint8_t> buffer) {
  size_t length = held_.pop(buffer);
  if (length != 0 && backend_waiting_) {
    backend_waiting_ = false;
    backend_->resume_receive();  // delivers asynchronously: in a later poll_host()
  }
  return length;
}

net::Delivery ShmemNetAdapter::deliver_frame(std::span<const uint8_t> frame) {
  if (held_.push(frame)) return net::Delivery::kAccepted;
  backend_waiting_ = true;
  return net::Delivery::kNoBuffer;
}

void ShmemNetAdapter::poll_host() { context_.poll(); }

// Asio's epoll reactor rounds a blocking wait up to whole milliseconds
// (epoll_wait(2) takes milliseconds), far above the microsecond sleeps of the
// adaptive policy. Its timers expire through a timerfd, which keeps the
// nanoseconds: the timer, not run_one_for's own deadline, ends the wait on
// time. Whichever handler runs first (the timer, a socket, wake()) ends it.
bool ShmemNetAdapter::wait_for_host(std::chrono::nanoseconds timeout) {
  wake_timer_.expires_after(timeout);
  wake_timer_.async_wait([](const boost::system::error_code&) {});
  context_.run_one_for(timeout);
  wake_timer_.cancel();  // if still pending, its handler runs in the next poll_host()
  return true;
}

void ShmemNetAdapter::wake() {
  boost::asio::post(context_, [] {});
}

}  // namespace vmm
