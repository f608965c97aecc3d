#include "hostnet/slirp_poller.h"

#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace vmm::net {

namespace {

// Even with no TCP timer pending, slirp looks at its sockets this often.
constexpr uint32_t kMaxWaitMs = 1000;

// libslirp's poll bits and poll(2)'s, one pair a line.
struct PollBit {
  int slirp;
  short poll;
};
constexpr PollBit kPollBits[] = {{SLIRP_POLL_IN, POLLIN},   {SLIRP_POLL_OUT, POLLOUT}, {SLIRP_POLL_PRI, POLLPRI},
                                 {SLIRP_POLL_ERR, POLLERR}, {SLIRP_POLL_HUP, POLLHUP}};

short to_poll_events(int slirp_events) {
  short events = 0;
  for (const PollBit& bit : kPollBits)
    if (slirp_events & bit.slirp) events = static_cast<short>(events | bit.poll);
  return events;
}

int to_slirp_events(short revents) {
  int events = 0;
  for (const PollBit& bit : kPollBits)
    if (revents & bit.poll) events |= bit.slirp;
  return events;
}

uint32_t to_epoll_events(short poll_events) {
  uint32_t events = 0;
  if (poll_events & POLLIN) events |= EPOLLIN;
  if (poll_events & POLLOUT) events |= EPOLLOUT;
  if (poll_events & POLLPRI) events |= EPOLLPRI;
  return events;  // errors and hang-ups are always reported
}

}  // namespace

Result<std::unique_ptr<SlirpPoller>> SlirpPoller::create(Slirp* slirp,
                                                         boost::asio::io_context& context) {
  int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) return make_error(std::string("epoll_create1: ") + std::strerror(errno));
  std::unique_ptr<SlirpPoller> poller(new SlirpPoller(slirp, context));
  boost::system::error_code error;
  poller->epoll_.assign(epoll_fd, error);
  if (error) {
    ::close(epoll_fd);
    return make_error("epoll: " + error.message());
  }
  poller->schedule_refresh();
  return poller;
}

SlirpPoller::SlirpPoller(Slirp* slirp, boost::asio::io_context& context)
    : slirp_(slirp), context_(context), epoll_(context), timeout_(context) {}

void SlirpPoller::schedule_refresh() {
  if (refresh_scheduled_) return;
  refresh_scheduled_ = true;
  boost::asio::post(context_, virtio::guarded(alive_, [this] {
    refresh_scheduled_ = false;
    refresh();
  }));
}

void SlirpPoller::refresh() {
  pollfds_.clear();
  uint32_t timeout_ms = kMaxWaitMs;
  slirp_pollfds_fill(slirp_, &timeout_ms, &SlirpPoller::add_poll, this);
  mirror_into_epoll();
  wait();
  timeout_.expires_after(std::chrono::milliseconds(std::min(timeout_ms, kMaxWaitMs)));
  timeout_.async_wait([this](const boost::system::error_code& error) {
    if (!error) poll_now();
  });
}

// Makes the epoll set equal to pollfds_. Every fd is (re)registered each
// time: slirp may have closed a socket and opened another under the same
// number, which the kernel dropped from the set.
void SlirpPoller::mirror_into_epoll() {
  std::unordered_map<int, uint32_t> wanted;
  for (const pollfd& p : pollfds_) wanted[p.fd] |= to_epoll_events(p.events);
  int epfd = epoll_.native_handle();
  for (const auto& [fd, events] : wanted) {
    epoll_event event{};
    event.events = events;
    event.data.fd = fd;
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &event) != 0 &&
        epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event) != 0)
      spdlog::debug("slirp: epoll_ctl({}): {}", fd, std::strerror(errno));
  }
  for (const auto& [fd, events] : watched_)
    if (!wanted.contains(fd)) epoll_ctl(epfd, EPOLL_CTL_DEL, fd, nullptr);  // may be closed
  watched_ = std::move(wanted);
}

void SlirpPoller::wait() {
  if (waiting_on_epoll_) return;
  waiting_on_epoll_ = true;
  epoll_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                    [this](const boost::system::error_code& error) {
                      if (error) return;
                      waiting_on_epoll_ = false;
                      poll_now();
                    });
}

void SlirpPoller::poll_now() {
  for (pollfd& p : pollfds_) p.revents = 0;
  int ready = ::poll(pollfds_.data(), pollfds_.size(), 0);
  slirp_pollfds_poll(slirp_, ready < 0, &SlirpPoller::get_revents, this);
  refresh();
}

int SlirpPoller::add_poll(int fd, int events, void* opaque) {
  auto* self = static_cast<SlirpPoller*>(opaque);
  self->pollfds_.push_back(pollfd{fd, to_poll_events(events), 0});
  return static_cast<int>(self->pollfds_.size() - 1);
}

int SlirpPoller::get_revents(int index, void* opaque) {
  auto* self = static_cast<SlirpPoller*>(opaque);
  // libslirp hands back what add_poll returned; anything else reads as no event.
  if (index < 0 || static_cast<size_t>(index) >= self->pollfds_.size()) return 0;
  return to_slirp_events(self->pollfds_[static_cast<size_t>(index)].revents);
}

}  // namespace vmm::net
