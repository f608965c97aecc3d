#include "hostnet/slirp_timers.h"

#include <chrono>

namespace vmm::net {

int64_t SlirpTimers::now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void SlirpTimers::attach(boost::asio::io_context& context) {
  context_ = &context;
  for (Timer& timer : timers_) {
    timer.asio.emplace(context);
    if (timer.expire_ms) arm(timer);
  }
}

void* SlirpTimers::create(SlirpTimerId id, void* cb_opaque) {
  Timer& timer = timers_.emplace_back(Timer{id, cb_opaque, std::nullopt, std::nullopt});
  if (context_) timer.asio.emplace(*context_);
  return &timer;
}

void SlirpTimers::destroy(void* handle) {
  timers_.remove_if([handle](const Timer& timer) { return &timer == handle; });
}

void SlirpTimers::modify(void* handle, int64_t expire_ms) {
  auto* timer = static_cast<Timer*>(handle);
  timer->expire_ms = expire_ms;
  if (timer->asio) arm(*timer);
}

void SlirpTimers::arm(Timer& timer) {
  using namespace std::chrono;
  timer.asio->expires_at(steady_clock::time_point(milliseconds(*timer.expire_ms)));
  // Re-arming cancels the previous wait, whose handler then sees the error.
  timer.asio->async_wait([this, &timer](const boost::system::error_code& error) {
    if (error) return;
    timer.expire_ms.reset();
    on_expired_(timer.id, timer.cb_opaque);
  });
}

}  // namespace vmm::net
