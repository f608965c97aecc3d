// Runs libslirp's socket polling on an io_context. slirp_pollfds_fill says
// which host sockets to watch and for what; an epoll set mirrors that list
// and Asio waits on the epoll fd (plus a timer for slirp's timeout). When
// either fires, poll(2) with a zero timeout gives slirp the exact events for
// slirp_pollfds_poll, and the cycle starts again.
#pragma once

#include <libslirp.h>
#include <poll.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <unordered_map>
#include <vector>

#include "hv/core/alive_token.h"
#include "hv/core/result.h"

namespace vmm::net {

class SlirpPoller {
 public:
  static Result<std::unique_ptr<SlirpPoller>> create(Slirp* slirp, boost::asio::io_context& context);
  SlirpPoller(const SlirpPoller&) = delete;
  SlirpPoller& operator=(const SlirpPoller&) = delete;

  // Slirp may have opened, closed or changed interest in a socket (after
  // input from the guest, a timer, its notify callback): look again, soon.
  void schedule_refresh();

 private:
  SlirpPoller(Slirp* slirp, boost::asio::io_context& context);
  void refresh();
  void mirror_into_epoll();
  void wait();
  void poll_now();

  static int add_poll(int fd, int events, void* opaque);
  static int get_revents(int index, void* opaque);

  Slirp* slirp_;
  boost::asio::io_context& context_;
  boost::asio::posix::stream_descriptor epoll_;  // owns the epoll fd
  boost::asio::steady_timer timeout_;
  std::vector<pollfd> pollfds_;                  // from the last fill
  std::unordered_map<int, uint32_t> watched_;    // fd -> epoll events
  bool waiting_on_epoll_ = false;
  bool refresh_scheduled_ = false;
  virtio::AliveToken alive_;
};

}  // namespace vmm::net
