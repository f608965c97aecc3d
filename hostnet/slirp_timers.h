// libslirp's timers (SlirpCb timer_new_opaque / timer_mod / timer_free) as
// Asio steady timers. Slirp may create a timer before the backend is bound
// to an io_context; such a timer is armed when attach() runs. Expiry times
// are in milliseconds of the clock slirp reads through clock_get_ns.
#pragma once

#include <libslirp.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <list>
#include <optional>

namespace vmm::net {

class SlirpTimers {
 public:
  using Expired = std::function<void(SlirpTimerId id, void* cb_opaque)>;

  explicit SlirpTimers(Expired on_expired) : on_expired_(std::move(on_expired)) {}

  void attach(boost::asio::io_context& context);
  void* create(SlirpTimerId id, void* cb_opaque);
  void destroy(void* timer);
  void modify(void* timer, int64_t expire_ms);

  // The clock slirp runs on: steady time in nanoseconds.
  static int64_t now_ns();

 private:
  struct Timer {
    SlirpTimerId id;
    void* cb_opaque;
    std::optional<boost::asio::steady_timer> asio;
    std::optional<int64_t> expire_ms;  // armed, or waiting for attach()
  };

  void arm(Timer& timer);

  Expired on_expired_;
  boost::asio::io_context* context_ = nullptr;
  std::list<Timer> timers_;  // stable addresses: slirp holds Timer pointers
};

}  // namespace vmm::net
