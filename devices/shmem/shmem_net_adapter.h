// A network backend (the NetBackend interface virtio-net uses) behind the
// shared-memory device. The adapter owns the io_context the backend is bound
// to, and the shmem poller thread is the only thread that runs it: the
// backend's sockets, timers and frames for the guest are all handled between
// two passes over the rings, so the host-to-guest ring has one producer and a
// backend that is not thread-safe (libslirp) stays on one thread.
//
// Host -> guest: a frame the backend delivers waits in a bounded FIFO until
// the pump finds the guest's ring has room. When the FIFO is full the backend
// is told kNoBuffer and resumes once a frame has left (NetBackend's
// back-pressure contract); the backend then keeps or drops and counts.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <string_view>

#include "devices/shmem/held_frames.h"
#include "devices/shmem/shmem_backend.h"
#include "hostnet/net_backend.h"
#include "hv/core/result.h"

namespace vmm {

class ShmemNetAdapter final : public ShmemBackend, private net::FrameReceiver {
 public:
  static constexpr size_t kHeldFrames = 64;

  // Binds `backend` to the adapter's io_context (nothing runs until a
  // poller calls poll_host() or wait_for_host()).
  static Result<std::unique_ptr<ShmemNetAdapter>> create(std::unique_ptr<net::NetBackend> backend);
  ~ShmemNetAdapter() override;
  ShmemNetAdapter(const ShmemNetAdapter&) = delete;
  ShmemNetAdapter& operator=(const ShmemNetAdapter&) = delete;

  // ShmemBackend: the poller thread.
  bool deliver_to_host(std::span<const uint8_t> frame) override;
  size_t fetch_for_guest(std::span<uint8_t> buffer) override;
  void poll_host() override;
  bool wait_for_host(std::chrono::nanoseconds timeout) override;
  void wake() override;  // any thread

  std::string_view kind() const { return backend_->kind(); }
  net::BackendCounters backend_counters() const { return backend_->counters(); }  // any thread

 private:
  explicit ShmemNetAdapter(std::unique_ptr<net::NetBackend> backend);
  net::Delivery deliver_frame(std::span<const uint8_t> frame) override;

  // One thread runs it (the concurrency hint); post() from others stays safe.
  boost::asio::io_context context_{1};
  // poll() and run_one_for() return at once on a context without work.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::steady_timer wake_timer_;
  HeldFrames held_{kHeldFrames};
  bool backend_waiting_ = false;  // told kNoBuffer; owed a resume_receive()
  // Last: destroyed first, so its sockets and timers go before context_.
  std::unique_ptr<net::NetBackend> backend_;
};

}  // namespace vmm
