// BypassNet's socket calls: the stack's own (net/net_stack.h), behind one
// check that the device still runs, so that a stopped device is an error
// value on the next call rather than frames silently dropped.
#include "bypass_net.h"

namespace bypass {

namespace {
// UIO_MAXIOV: Linux's sendmsg/recvmsg refuse more iovecs with EMSGSIZE
// (the kernel's glue checks the same, guest/sys/sys_sockio.cpp).
constexpr size_t kMaxIov = 1024;
}  // namespace

int BypassNet::socket(int domain, int type, int protocol) {
  if (!running()) return -kNetDown;
  return stack_->socket(domain, type, protocol);
}

int BypassNet::bind(net::SocketId s, const void* addr, uint32_t len) {
  if (!running()) return -kNetDown;
  return stack_->bind(s, addr, len);
}

int BypassNet::listen(net::SocketId s, int backlog) {
  if (!running()) return -kNetDown;
  return stack_->listen(s, backlog);
}

int BypassNet::accept(net::SocketId s, void* addr, uint32_t* len) {
  if (!running()) return -kNetDown;
  return stack_->accept(s, addr, len);
}

int BypassNet::connect(net::SocketId s, const void* addr, uint32_t len) {
  if (!running()) return -kNetDown;
  return stack_->connect(s, addr, len);
}

int64_t BypassNet::send(net::SocketId s, const void* buf, size_t n, int flags) {
  if (!running()) return -kNetDown;
  return stack_->send(s, buf, n, flags);
}

int64_t BypassNet::recv(net::SocketId s, void* buf, size_t n, int flags) {
  if (!running()) return -kNetDown;
  return stack_->recv(s, buf, n, flags);
}

int64_t BypassNet::sendto(net::SocketId s, const void* buf, size_t n, int flags, const void* addr, uint32_t len) {
  if (!running()) return -kNetDown;
  return stack_->sendto(s, buf, n, flags, addr, len);
}

int64_t BypassNet::recvfrom(net::SocketId s, void* buf, size_t n, int flags, void* addr, uint32_t* len) {
  if (!running()) return -kNetDown;
  return stack_->recvfrom(s, buf, n, flags, addr, len);
}

int64_t BypassNet::sendmsg(net::SocketId s, const net::MsgHeader& msg, int flags) {
  if (!running()) return -kNetDown;
  if (msg.iovlen > kMaxIov) return -net::err::kMsgSize;
  return stack_->sendmsg(s, msg, flags);
}

int64_t BypassNet::recvmsg(net::SocketId s, net::MsgHeader* msg, int flags) {
  if (!running()) return -kNetDown;
  if (msg == nullptr) return -net::err::kFault;
  if (msg->iovlen > kMaxIov) return -net::err::kMsgSize;
  return stack_->recvmsg(s, msg, flags);
}

int BypassNet::shutdown(net::SocketId s, int how) {
  if (!running()) return -kNetDown;
  return stack_->shutdown(s, how);
}

int BypassNet::close(net::SocketId s) {
  if (stack_ == nullptr) return -net::err::kBadF;
  return stack_->close(s);
}

int BypassNet::setsockopt(net::SocketId s, int level, int name, const void* value, uint32_t len) {
  if (!running()) return -kNetDown;
  return stack_->setsockopt(s, level, name, value, len);
}

int BypassNet::getsockopt(net::SocketId s, int level, int name, void* value, uint32_t* len) {
  if (!running()) return -kNetDown;
  return stack_->getsockopt(s, level, name, value, len);
}

int BypassNet::getsockname(net::SocketId s, void* addr, uint32_t* len) {
  if (!running()) return -kNetDown;
  return stack_->getsockname(s, addr, len);
}

uint32_t BypassNet::poll_events(net::SocketId s) const {
  if (stack_ == nullptr) return net::kPollNval;
  return stack_->poll(s) | (device_.broken() ? net::kPollErr : 0);
}

}  // namespace bypass
