// The socket calls one at a time, through the kernel's sockets or with
// --bypass through this process's own stack over shm0's rings
// (bypass_session.h), behind the same signatures (unet.h's), so that a
// program such as netbench runs one code path on both. fds are ints on both:
// kernel file descriptors or the stack's socket ids.
//
// The kernel path is unet.h's calls unchanged. The own stack never blocks
// in a call, so the calls that block on the kernel spin poll() there, with
// no system call, until they can complete or `timeout_ms` (one for every
// blocking call: the own stack has no SO_RCVTIMEO) has passed: -ETIMEDOUT
// then. On the own stack a TCP send sends every byte (as a blocking send
// does), and recv honours MSG_WAITALL and no other flag.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "unet.h"
#include "user/bypass/bypass_net.h"

namespace u {

class NetCalls {
 public:
  // own_stack: nullptr for the kernel's sockets.
  NetCalls(bypass::BypassNet* own_stack, uint64_t timeout_ms) : own_(own_stack), timeout_ms_(timeout_ms) {}

  bool own_stack() const { return own_ != nullptr; }
  // Nanoseconds: the kernel's clock, or the TSC with no system call.
  uint64_t now_ns() const;

  long socket(int type);  // AF_INET
  long bind(int fd, const void* addr, uint32_t len);
  long listen(int fd, int backlog);
  long connect(int fd, const void* addr, uint32_t len);  // TCP: until established
  long accept(int listener, void* addr, uint32_t* len);  // until one is queued
  long tcp_connect(const SockAddrIn& to);                // a connected TCP socket
  long tcp_listen(uint16_t port, int backlog);           // listening on 0.0.0.0:port
  long send(int fd, const void* buf, size_t n, int flags);
  long sendto(int fd, const void* buf, size_t n, int flags, const void* addr, uint32_t len);
  long sendmsg(int fd, const MsgHdr* msg, int flags);
  long write_all(int fd, const void* buf, size_t n);  // 0 or -errno
  long recv(int fd, void* buf, size_t n, int flags);
  long recvfrom(int fd, void* buf, size_t n, int flags, void* addr, uint32_t* len);
  long recvmsg(int fd, MsgHdr* msg, int flags);
  long setsockopt(int fd, int level, int name, const void* value, uint32_t len);
  long getsockopt(int fd, int level, int name, void* value, uint32_t* len);
  // SO_RCVTIMEO on the kernel's sockets; nothing on the own stack, whose
  // blocking calls all use timeout_ms.
  long set_receive_timeout(int fd, uint64_t ms);
  // poll(2) on one fd: 1 once it has one of `events` (or an error or a
  // hang-up), 0 after timeout_ms (0: look once), or -errno. The own stack
  // takes in what the host sent first (BypassNet::poll).
  long poll_one(int fd, uint32_t events, int timeout_ms);
  long shutdown(int fd, int how);
  long close(int fd);
  // Lets `ns` pass the way the path waits: the kernel sleeps; the own stack
  // spins poll(), its steady state (-errno if the device stopped).
  long idle(uint64_t ns);

 private:
  uint64_t deadline() const;
  long receive_all(int fd, uint8_t* buf, size_t n);

  bypass::BypassNet* own_;
  uint64_t timeout_ms_;
};

}  // namespace u
