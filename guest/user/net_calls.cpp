#include "net_calls.h"

#include "bypass_session.h"

namespace u {

namespace {
constexpr uint32_t kAlwaysReported = net::kPollErr | net::kPollHup | net::kPollNval;
}  // namespace

uint64_t NetCalls::now_ns() const { return own_ ? bypass_now_ns() : u::now_ns(); }

uint64_t NetCalls::deadline() const { return own_->deadline_after(timeout_ms_ * 1'000'000); }

long NetCalls::socket(int type) {
  return own_ ? own_->socket(net::kAfInet, type, 0) : u::socket(net::kAfInet, type, 0);
}

long NetCalls::bind(int fd, const void* addr, uint32_t len) {
  return own_ ? own_->bind(fd, addr, len) : u::bind(fd, addr, len);
}

long NetCalls::listen(int fd, int backlog) { return own_ ? own_->listen(fd, backlog) : u::listen(fd, backlog); }

// The own stack's blocking calls try once before they compute a deadline:
// a call that can complete at once (a UDP connect, a queued connection or
// datagram) costs no more than the stack's call.
long NetCalls::connect(int fd, const void* addr, uint32_t len) {
  if (!own_) return u::connect(fd, addr, len);
  int r = own_->connect(fd, addr, len);
  return r != -net::err::kInProgress ? r : own_->connect_until(fd, addr, len, deadline());
}

long NetCalls::accept(int listener, void* addr, uint32_t* len) {
  if (!own_) return u::accept(listener, addr, len);
  int r = own_->accept(listener, addr, len);
  return r != -net::err::kAgain ? r : own_->accept_until(listener, addr, len, deadline());
}

long NetCalls::tcp_connect(const SockAddrIn& to) {
  if (!own_) return u::tcp_connect(to);
  long fd = socket(net::kSockStream);
  if (fd < 0) return fd;
  long r = connect(static_cast<int>(fd), &to, kSockaddrInLen);
  if (r < 0) {
    own_->close(static_cast<int>(fd));
    return r;
  }
  return fd;
}

// As unet's: SO_REUSEADDR, bind, listen.
long NetCalls::tcp_listen(uint16_t port, int backlog) {
  if (!own_) return u::tcp_listen(port, backlog);
  long fd = socket(net::kSockStream);
  if (fd < 0) return fd;
  int on = 1;
  SockAddrIn any = make_sockaddr_in(0, port);
  long r = own_->setsockopt(static_cast<int>(fd), net::kSolSocket, net::kSoReuseAddr, &on, sizeof on);
  if (r == 0) r = own_->bind(static_cast<int>(fd), &any, kSockaddrInLen);
  if (r == 0) r = own_->listen(static_cast<int>(fd), backlog);
  if (r < 0) {
    own_->close(static_cast<int>(fd));
    return r;
  }
  return fd;
}

// A blocking send's result: all n bytes, or what went before an error
// (the error if nothing did).
long NetCalls::send(int fd, const void* buf, size_t n, int flags) {
  if (!own_) return u::send(fd, buf, n, flags);
  int64_t r = own_->send(fd, buf, n, flags);
  if (r == static_cast<int64_t>(n) || (r < 0 && r != -net::err::kAgain)) return r;
  size_t done = r > 0 ? static_cast<size_t>(r) : 0;
  int64_t rest = own_->send_all_until(fd, static_cast<const uint8_t*>(buf) + done, n - done, deadline());
  if (rest < 0) return done ? static_cast<long>(done) : rest;
  return static_cast<long>(done + static_cast<size_t>(rest));
}

long NetCalls::sendto(int fd, const void* buf, size_t n, int flags, const void* addr, uint32_t len) {
  return own_ ? own_->sendto(fd, buf, n, flags, addr, len) : u::sendto(fd, buf, n, flags, addr, len);
}

long NetCalls::sendmsg(int fd, const MsgHdr* msg, int flags) {
  if (!own_) return u::sendmsg(fd, msg, flags);
  return msg ? own_->sendmsg(fd, *msg, flags) : -err::kFault;
}

long NetCalls::write_all(int fd, const void* buf, size_t n) {
  if (!own_) return u::write_all(fd, buf, n);
  int64_t r = own_->send_all_until(fd, buf, n, deadline());
  return r < 0 ? r : 0;
}

// MSG_WAITALL: until n bytes, end of stream or an error; what came before
// the end or the error counts (the error only if nothing came).
long NetCalls::receive_all(int fd, uint8_t* buf, size_t n) {
  size_t done = 0;
  while (done < n) {
    int64_t r = own_->recv(fd, buf + done, n - done, 0);
    if (r == -net::err::kAgain) r = own_->recv_until(fd, buf + done, n - done, deadline());
    if (r < 0) return done ? static_cast<long>(done) : r;
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  return static_cast<long>(done);
}

long NetCalls::recv(int fd, void* buf, size_t n, int flags) {
  if (!own_) return u::recv(fd, buf, n, flags);
  if (flags & net::kMsgWaitAll) return receive_all(fd, static_cast<uint8_t*>(buf), n);
  int64_t r = own_->recv(fd, buf, n, 0);
  return r != -net::err::kAgain ? r : own_->recv_until(fd, buf, n, deadline());
}

long NetCalls::recvfrom(int fd, void* buf, size_t n, int flags, void* addr, uint32_t* len) {
  if (!own_) return u::recvfrom(fd, buf, n, flags, addr, len);
  int64_t r = own_->recvfrom(fd, buf, n, 0, addr, len);
  return r != -net::err::kAgain ? r : own_->recvfrom_until(fd, buf, n, addr, len, deadline());
}

long NetCalls::recvmsg(int fd, MsgHdr* msg, int flags) {
  if (!own_) return u::recvmsg(fd, msg, flags);
  int64_t r = own_->recvmsg(fd, msg, 0);
  return r != -net::err::kAgain ? r : own_->recvmsg_until(fd, msg, deadline());
}

long NetCalls::setsockopt(int fd, int level, int name, const void* value, uint32_t len) {
  return own_ ? own_->setsockopt(fd, level, name, value, len) : u::setsockopt(fd, level, name, value, len);
}

long NetCalls::getsockopt(int fd, int level, int name, void* value, uint32_t* len) {
  return own_ ? own_->getsockopt(fd, level, name, value, len) : u::getsockopt(fd, level, name, value, len);
}

long NetCalls::set_receive_timeout(int fd, uint64_t ms) {
  return own_ ? 0 : set_timeout(fd, net::kSoRcvTimeo, ms);
}

long NetCalls::poll_one(int fd, uint32_t events, int timeout_ms) {
  if (!own_) {
    PollFd p = {fd, static_cast<int16_t>(events), 0};
    return u::poll(&p, 1, timeout_ms);
  }
  if (timeout_ms == 0) {
    int r = own_->poll();
    if (r < 0) return r;
    return (own_->poll_events(fd) & (events | kAlwaysReported)) != 0 ? 1 : 0;
  }
  uint64_t ms = timeout_ms < 0 ? net::kNoDeadline / 1'000'000 : static_cast<uint64_t>(timeout_ms);
  int64_t r = own_->wait_until(fd, events, own_->deadline_after(ms * 1'000'000));
  if (r == -net::err::kTimedOut) return 0;
  return r < 0 ? r : 1;
}

long NetCalls::shutdown(int fd, int how) { return own_ ? own_->shutdown(fd, how) : u::shutdown(fd, how); }

long NetCalls::close(int fd) { return own_ ? own_->close(fd) : u::close(fd); }

long NetCalls::idle(uint64_t ns) {
  if (!own_) {
    sleep_ns(ns);  // an early wake-up only shortens the background's interval
    return 0;
  }
  uint64_t until = bypass_now_ns() + ns;
  while (bypass_now_ns() < until) {
    int r = own_->poll();
    if (r < 0) return r;
  }
  return 0;
}

}  // namespace u
