// The shared-memory device's own thread: calls ShmemPump::pump_once() in a
// loop and, when a pass finds nothing, waits as the PollPolicy says. Owns the
// thread (std::jthread: the destructor asks it to stop and joins it). Stopping
// is prompt under both policies: the loop checks the stop token on every pass,
// a pass is bounded by the ring size, and a sleep is cut short by the stop
// request. Each pass also gives the backend its turn (ShmemBackend::poll_host),
// and an adaptive sleep becomes the backend's wait_for_host() when it has
// one, so traffic from the host side ends the sleep at once.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>

#include "devices/shmem/poll_policy.h"
#include "devices/shmem/shmem_backend.h"
#include "devices/shmem/shmem_endpoint.h"
#include "devices/shmem/shmem_pump.h"
#include "devices/shmem/shmem_stats.h"
#include "hv/core/result.h"

namespace vmm {

class ShmemPoller {
 public:
  // Starts polling. `backend` and the region behind `endpoint` must outlive
  // the poller.
  static Result<std::unique_ptr<ShmemPoller>> start(ShmemEndpoint endpoint, ShmemBackend& backend,
                                                    PollSettings settings);

  ShmemPoller(const ShmemPoller&) = delete;
  ShmemPoller& operator=(const ShmemPoller&) = delete;
  ~ShmemPoller() { stop(); }

  // Asks the thread to stop and waits for it. Idempotent.
  void stop();

  // False once the thread has left its loop (stopped, or the device failed).
  bool polling() const { return polling_.load(std::memory_order_acquire); }
  ShmemStats stats() const { return counters_.snapshot(); }

 private:
  ShmemPoller(ShmemEndpoint endpoint, ShmemBackend& backend, PollSettings settings)
      : settings_(settings), backend_(backend), pump_(std::move(endpoint), backend, counters_) {}

  void run(std::stop_token stop);
  void account_spin_so_far();
  void wait_idle(const IdleAction& action, const std::stop_token& stop);
  void sleep_interruptibly(std::chrono::nanoseconds duration, const std::stop_token& stop);

  const PollSettings settings_;
  ShmemBackend& backend_;
  ShmemCounters counters_;
  ShmemPump pump_;
  std::atomic<bool> polling_{true};
  std::mutex sleep_mutex_;
  std::condition_variable_any sleep_cv_;
  std::chrono::steady_clock::time_point idle_since_{};
  std::jthread thread_;  // last: started after, and stopped before, all it uses
};

}  // namespace vmm
