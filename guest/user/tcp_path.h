// A TCP connection through the kernel's sockets, or with --bypass through
// this process's own stack over shm0's rings (bypass_session.h), behind the
// same calls, so that tcpsend, tcprecv and tcpecho run the same code on
// both paths.
// Blocking calls; a stall of u::kStallTimeoutMs ends a read with -ETIMEDOUT
// (the kernel path: SO_RCVTIMEO, -EAGAIN).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "unet.h"
#include "user/bypass/bypass_net.h"

namespace u {

class TcpPath {
 public:
  // own_stack: nullptr for the kernel's sockets.
  explicit TcpPath(bypass::BypassNet* own_stack) : own_(own_stack) {}

  long connect(const SockAddrIn& to);  // a connected socket, or -errno
  long listen(uint16_t port, int backlog = 1);  // a listening socket on 0.0.0.0:port
  long accept(int listener);           // a connected socket, or -errno
  long write_all(int fd, const void* buf, size_t n);  // 0 or -errno
  // Once before the reads of fd: the stall timeout (0 or -errno).
  long prepare_reads(int fd);
  // Bytes read (at least 1), 0 at end of stream, or -errno.
  long read_some(int fd, void* buf, size_t n);
  long shutdown_write(int fd);
  // Non-blocking: bytes sent or received now, -EAGAIN if none can be.
  long send_now(int fd, const void* buf, size_t n);
  long receive_now(int fd, void* buf, size_t n);
  // Waits until fd has one of `events` (net::kPoll*; errors and hang-ups
  // always count): its poll mask, or -ETIMEDOUT after timeout_ms.
  long wait(int fd, uint32_t events, uint64_t timeout_ms);
  void close(int fd);
  uint64_t now_ns() const;

 private:
  uint64_t stall_deadline() const;
  bypass::BypassNet* own_;
};

}  // namespace u
