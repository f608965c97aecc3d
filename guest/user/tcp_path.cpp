#include "tcp_path.h"

#include "bypass_session.h"
#include "ulib.h"

namespace u {

uint64_t TcpPath::now_ns() const { return own_ ? bypass_now_ns() : u::now_ns(); }

uint64_t TcpPath::stall_deadline() const { return own_->deadline_after(kStallTimeoutMs * 1'000'000); }

long TcpPath::connect(const SockAddrIn& to) {
  if (!own_) return tcp_connect(to);
  int fd = own_->socket(net::kAfInet, net::kSockStream, 0);
  if (fd < 0) return fd;
  int r = own_->connect_until(fd, &to, kSockaddrInLen, stall_deadline());
  if (r < 0) {
    own_->close(fd);
    return r;
  }
  return fd;
}

long TcpPath::listen(uint16_t port, int backlog) {
  if (!own_) return tcp_listen(port, backlog);
  int fd = own_->socket(net::kAfInet, net::kSockStream, 0);
  if (fd < 0) return fd;
  SockAddrIn any = make_sockaddr_in(0, port);
  int r = own_->bind(fd, &any, kSockaddrInLen);
  if (r == 0) r = own_->listen(fd, backlog);
  if (r < 0) {
    own_->close(fd);
    return r;
  }
  return fd;
}

long TcpPath::accept(int listener) {
  if (!own_) return u::accept(listener, nullptr, nullptr);
  return own_->accept_until(listener, nullptr, nullptr, net::kNoDeadline);
}

long TcpPath::write_all(int fd, const void* buf, size_t n) {
  if (!own_) return u::write_all(fd, buf, n);
  int64_t r = own_->send_all_until(fd, buf, n, stall_deadline());
  return r < 0 ? r : 0;
}

long TcpPath::prepare_reads(int fd) {
  return own_ ? 0 : set_timeout(fd, net::kSoRcvTimeo, kStallTimeoutMs);
}

long TcpPath::read_some(int fd, void* buf, size_t n) {
  if (own_) return own_->recv_until(fd, buf, n, stall_deadline());
  long r;
  do {
    r = recv(fd, buf, n, 0);
  } while (r == -err::kIntr);
  return r;
}

long TcpPath::shutdown_write(int fd) {
  return own_ ? own_->shutdown(fd, net::kShutWr) : shutdown(fd, net::kShutWr);
}

long TcpPath::send_now(int fd, const void* buf, size_t n) {
  int flags = net::kMsgDontWait | net::kMsgNoSignal;
  return own_ ? own_->send(fd, buf, n, flags) : send(fd, buf, n, flags);
}

long TcpPath::receive_now(int fd, void* buf, size_t n) {
  return own_ ? own_->recv(fd, buf, n, net::kMsgDontWait) : recv(fd, buf, n, net::kMsgDontWait);
}

long TcpPath::wait(int fd, uint32_t events, uint64_t timeout_ms) {
  if (own_) return own_->wait_until(fd, events, own_->deadline_after(timeout_ms * 1'000'000));
  PollFd p{fd, static_cast<int16_t>(events), 0};
  long r = poll(&p, 1, static_cast<int>(timeout_ms));
  if (r == 0) return -net::err::kTimedOut;
  return r < 0 ? r : static_cast<uint16_t>(p.revents);
}

void TcpPath::close(int fd) {
  if (own_) own_->close(fd);
  else u::close(fd);
}

}  // namespace u
