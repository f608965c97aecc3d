#include "devices/shmem/shmem_poller.h"

#include <sys/prctl.h>

#include <future>
#include <system_error>

#include "hv/core/thread_name.h"

namespace vmm {

namespace {

using Clock = std::chrono::steady_clock;

constexpr uint64_t kSpinAccountingPolls = 1024;

uint64_t elapsed_ns(Clock::time_point from, Clock::time_point to) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count());
}

// Linux adds up to the thread's timer slack (50 us by default, prctl(2)
// PR_SET_TIMERSLACK) to every timed sleep; with microsecond sleeps that
// would be most of the delay.
void use_precise_timers() { prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL); }

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

}  // namespace

Result<std::unique_ptr<ShmemPoller>> ShmemPoller::start(ShmemEndpoint endpoint, ShmemBackend& backend,
                                                         PollSettings settings) {
  std::unique_ptr<ShmemPoller> poller(new ShmemPoller(std::move(endpoint), backend, settings));
  // start() returns once the thread carries its name, so that whoever looks
  // at the process's threads afterwards (top -H, a test) sees it named.
  std::promise<void> named;
  std::future<void> named_done = named.get_future();
  try {
    poller->thread_ = std::jthread([p = poller.get(), named = std::move(named)](std::stop_token stop) mutable {
      name_this_thread("shmem-poller");
      named.set_value();
      p->run(stop);
    });
  } catch (const std::system_error& e) {
    return make_error(std::string("cannot start the shmem poller thread: ") + e.what());
  }
  named_done.wait();
  return poller;
}

void ShmemPoller::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

void ShmemPoller::run(std::stop_token stop) {
  use_precise_timers();
  // Registered on this thread before the first wait: a stop requested at any
  // later point wakes the backend's wait, and one requested earlier is seen
  // by the loop condition.
  std::stop_callback wake_backend(stop, [this] { backend_.wake(); });
  pump_.publish_state(shmem::HostState::kPolling);
  uint64_t idle_polls = 0;
  bool idle = false;
  while (!stop.stop_requested()) {
    counters_.count_poll();
    backend_.poll_host();
    if (pump_.pump_once() > 0) {
      if (idle) counters_.add_spin_ns(elapsed_ns(idle_since_, Clock::now()));
      idle = false;
      idle_polls = 0;
      continue;
    }
    if (pump_.failed()) break;
    if (!idle) idle_since_ = Clock::now();
    idle = true;
    if (idle_polls % kSpinAccountingPolls == kSpinAccountingPolls - 1) account_spin_so_far();
    wait_idle(idle_action(settings_, idle_polls++), stop);
  }
  if (idle) counters_.add_spin_ns(elapsed_ns(idle_since_, Clock::now()));
  if (!pump_.failed()) pump_.publish_state(shmem::HostState::kIdle);
  polling_.store(false, std::memory_order_release);
}

// A busy poller may never leave its idle streak; this keeps spin_ns current
// for a reader of stats() anyway, at one clock read per 1024 polls.
void ShmemPoller::account_spin_so_far() {
  Clock::time_point now = Clock::now();
  counters_.add_spin_ns(elapsed_ns(idle_since_, now));
  idle_since_ = now;
}

// Why no wakeup is lost: the guest never wakes the poller, so there is no
// wakeup to lose. Every sleep is timed, at most max_latency (poll_policy), and
// the next poll reads the rings afresh; backend_.wait_for_host() is bounded by
// the same sleep and returns early for host work, and a stop request wakes
// both kinds of sleep (the stop_callback in run(), the stop_token here). A
// frame the guest posts while the poller sleeps waits at most one sleep.
void ShmemPoller::wait_idle(const IdleAction& action, const std::stop_token& stop) {
  switch (action.kind) {
    case IdleAction::Kind::kSpin: return;
    case IdleAction::Kind::kPause: cpu_relax(); return;
    case IdleAction::Kind::kSleep: {
      Clock::time_point asleep = Clock::now();
      counters_.add_spin_ns(elapsed_ns(idle_since_, asleep));
      if (!backend_.wait_for_host(action.sleep)) sleep_interruptibly(action.sleep, stop);
      idle_since_ = Clock::now();
      counters_.add_sleep_ns(elapsed_ns(asleep, idle_since_));
      return;
    }
  }
}

// A condition variable that nobody notifies except the stop request
// (std::condition_variable_any's stop_token overload registers a stop
// callback), so stop() does not wait for the sleep to run out.
void ShmemPoller::sleep_interruptibly(std::chrono::nanoseconds duration, const std::stop_token& stop) {
  std::unique_lock lock(sleep_mutex_);
  (void)sleep_cv_.wait_for(lock, stop, duration, [] { return false; });
}

}  // namespace vmm
