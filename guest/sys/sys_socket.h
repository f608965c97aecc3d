// Shared by the socket system calls (sys_socket*.cpp, sys_poll.cpp): the fd
// to socket lookup, socket addresses to and from user space, and the one
// loop every blocking call runs.
#pragma once

#include <stdint.h>

#include "netglue/netglue.h"
#include "proc/file.h"
#include "proc/process.h"
#include "uapi/errno.h"

namespace sockcall {

inline constexpr uint32_t kMaxAddrLen = 128;  // sizeof(struct sockaddr_storage)

// A socket File looked up from an fd, holding a reference while in scope.
class SocketRef {
 public:
  explicit SocketRef(uint64_t fd);
  ~SocketRef() {
    if (file_) file_put(file_);
  }
  SocketRef(const SocketRef&) = delete;
  SocketRef& operator=(const SocketRef&) = delete;
  // 0, -EBADF (no such fd) or -ENOTSOCK (the console).
  int64_t error() const { return error_; }
  File* file() const { return file_; }
  net::SocketId id() const { return file_->socket; }
  bool stream() const { return file_->sock_type == net::kSockStream; }

 private:
  File* file_ = nullptr;
  int64_t error_ = 0;
};

// A socket address from user space: copied into a kernel buffer.
struct UserAddress {
  uint8_t bytes[kMaxAddrLen];
  uint32_t len = 0;
};
// 0, -EINVAL (len above sockaddr_storage) or -EFAULT.
int64_t copy_address_in(uint64_t user, uint64_t len, UserAddress* out);

// An address the stack wrote (kernel buffer + the stack's length) handed
// back as Linux does: at most *user_len bytes copied, the real length
// stored in *user_len. user == 0 (no address wanted) is fine.
struct AddressOut {
  uint8_t bytes[kMaxAddrLen];
  uint32_t len = 0;        // in: room given to the stack; out: real length
  uint32_t user_room = 0;  // what user space said it has
};
// Reads *user_len (-EFAULT, -EINVAL if negative) and sets out->len.
int64_t prepare_address_out(uint64_t user, uint64_t user_len, AddressOut* out);
int64_t copy_address_out(uint64_t user, uint64_t user_len, const AddressOut& out);

// Runs op(stack) under the lock until it returns something other than
// -EAGAIN; in between sleeps until the socket reports one of events or the
// deadline passes. Non-blocking: one try. A timeout gives -EAGAIN (as
// SO_RCVTIMEO does on Linux), a kill -EINTR.
template <typename Op>
int64_t run_blocking(File* f, bool nonblocking, uint32_t events, uint64_t deadline_tsc, Op op) {
  for (;;) {
    int64_t r;
    {
      NetLocker lock;
      r = op(lock.stack());
    }
    if (r != -err::kAgain || nonblocking) return r;
    WaitResult w = net_wait(f, events, deadline_tsc);
    if (w == WaitResult::kInterrupted) return -err::kIntr;
    if (w == WaitResult::kTimedOut) {
      NetLocker lock;
      return op(lock.stack());  // one last try: it may have come just now
    }
  }
}

// The receive (or send) timeout of a socket as a TSC deadline from now.
uint64_t receive_deadline(const SocketRef& s);
uint64_t send_deadline(const SocketRef& s);

// Installs a new socket File in the caller's table: the fd, or -EMFILE /
// -ENOMEM (the socket is closed then).
int64_t install_socket(net::SocketId id, int sock_type, int flags);

}  // namespace sockcall

// read and write on a socket fd (sys_sockio.cpp).
int64_t socket_read(uint64_t fd, uint64_t buf, uint64_t count);
int64_t socket_write(uint64_t fd, uint64_t buf, uint64_t count);
