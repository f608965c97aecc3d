// Socket system calls that set sockets up and inspect them: socket,
// socketpair, bind, listen, accept, accept4, connect, shutdown, getsockname,
// getpeername, setsockopt, getsockopt; and close and fcntl, which work on
// any fd. Linux semantics and errno values; the protocol work is the
// network stack's (net/net_stack.h).
#include "sys/sys_socket.h"

#include "arch/x86/include/layout.h"
#include "mm/uaccess.h"
#include "sys/syscall.h"

namespace sockcall {

SocketRef::SocketRef(uint64_t fd) {
  file_ = fd_get(current_process()->files, static_cast<int>(fd));
  if (fd > static_cast<uint64_t>(kMaxFds) || file_ == nullptr) {
    error_ = -err::kBadF;
  } else if (file_->kind != FileKind::kSocket) {
    error_ = -net::err::kNotSock;
  }
}

int64_t copy_address_in(uint64_t user, uint64_t len, UserAddress* out) {
  if (len > kMaxAddrLen) return -err::kInval;
  out->len = static_cast<uint32_t>(len);
  return len == 0 ? 0 : copy_from_user(out->bytes, user, len);
}

int64_t prepare_address_out(uint64_t user, uint64_t user_len, AddressOut* out) {
  out->len = 0;
  out->user_room = 0;
  if (user == 0) return 0;
  int32_t room;
  if (get_user(&room, user_len) < 0) return -err::kFault;
  if (room < 0) return -err::kInval;
  out->user_room = static_cast<uint32_t>(room);
  out->len = out->user_room < kMaxAddrLen ? out->user_room : kMaxAddrLen;
  return 0;
}

int64_t copy_address_out(uint64_t user, uint64_t user_len, const AddressOut& out) {
  if (user == 0) return 0;
  uint32_t n = out.len < out.user_room ? out.len : out.user_room;
  if (n > kMaxAddrLen) n = kMaxAddrLen;
  if (copy_to_user(user, out.bytes, n) < 0) return -err::kFault;
  return put_user(user_len, static_cast<int32_t>(out.len));
}

uint64_t receive_deadline(const SocketRef& s) {
  uint64_t rcv = 0, snd = 0;
  {
    NetLocker lock;
    lock.stack().timeouts(s.id(), &rcv, &snd);
  }
  return net_deadline_after(rcv);
}

uint64_t send_deadline(const SocketRef& s) {
  uint64_t rcv = 0, snd = 0;
  {
    NetLocker lock;
    lock.stack().timeouts(s.id(), &rcv, &snd);
  }
  return net_deadline_after(snd);
}

int64_t install_socket(net::SocketId id, int sock_type, int flags) {
  uint32_t status = (flags & net::kSockNonblock) ? kONonblock : 0;
  File* f = file_new_socket(id, sock_type, status);
  if (f == nullptr) {
    NetLocker lock;
    lock.stack().close(id);
    return -err::kNoMem;
  }
  {
    NetLocker lock;
    lock.stack().set_cookie(id, f);
  }
  int fd = fd_install(current_process()->files, f, (flags & net::kSockCloexec) != 0);
  if (fd < 0) file_put(f);
  return fd;
}

}  // namespace sockcall

using namespace sockcall;

namespace {

constexpr int kSockFlags = net::kSockNonblock | net::kSockCloexec;

// accept and accept4: waits for a connection (unless non-blocking).
int64_t do_accept(const SyscallArgs& a, int flags) {
  if (flags & ~kSockFlags) return -err::kInval;
  SocketRef s(a.a0);
  if (s.error()) return s.error();
  AddressOut peer;
  if (int64_t r = prepare_address_out(a.a1, a.a2, &peer); r < 0) return r;
  int64_t id = run_blocking(s.file(), file_nonblocking(s.file()), net::kPollIn,
                            receive_deadline(s), [&](net::NetStack& st) {
                              uint32_t len = peer.len;
                              int r = st.accept(s.id(), a.a1 ? peer.bytes : nullptr,
                                                a.a1 ? &len : nullptr);
                              if (r >= 0) peer.len = len;
                              return static_cast<int64_t>(r);
                            });
  if (id < 0) return id;
  int64_t fd = install_socket(static_cast<net::SocketId>(id), net::kSockStream, flags);
  if (fd < 0) return fd;
  if (copy_address_out(a.a1, a.a2, peer) < 0) {
    // Linux too returns EFAULT with the connection accepted and lost.
    fd_close(current_process()->files, static_cast<int>(fd));
    return -err::kFault;
  }
  return fd;
}

// getsockname / getpeername.
template <typename Get>
int64_t socket_name(const SyscallArgs& a, Get get) {
  SocketRef s(a.a0);
  if (s.error()) return s.error();
  AddressOut out;
  if (a.a1 == 0) return -err::kFault;
  if (int64_t r = prepare_address_out(a.a1, a.a2, &out); r < 0) return r;
  int r;
  {
    NetLocker lock;
    r = get(lock.stack(), s.id(), out.bytes, &out.len);
  }
  if (r < 0) return r;
  return copy_address_out(a.a1, a.a2, out);
}

}  // namespace

// socket(domain, type, protocol)
int64_t sys_socket(const SyscallArgs& a) {
  int type = static_cast<int>(a.a1);
  if (type & ~(kSockFlags | net::kSockTypeMask)) return -err::kInval;
  int64_t id;
  {
    NetLocker lock;
    id = lock.stack().socket(static_cast<int>(a.a0), type, static_cast<int>(a.a2));
  }
  if (id < 0) return id;
  return install_socket(static_cast<net::SocketId>(id), type & net::kSockTypeMask, type);
}

// socketpair(domain, type, protocol, int sv[2])
int64_t sys_socketpair(const SyscallArgs& a) {
  int type = static_cast<int>(a.a1);
  if (type & ~(kSockFlags | net::kSockTypeMask)) return -err::kInval;
  if (!layout::is_user_range(a.a3, 2 * sizeof(int32_t))) return -err::kFault;
  net::SocketId ids[2];
  int r;
  {
    NetLocker lock;
    r = lock.stack().socketpair(static_cast<int>(a.a0), type, static_cast<int>(a.a2), ids);
  }
  if (r < 0) return r;
  int64_t fd0 = install_socket(ids[0], type & net::kSockTypeMask, type);
  if (fd0 < 0) {
    NetLocker lock;
    lock.stack().close(ids[1]);
    return fd0;
  }
  int64_t fd1 = install_socket(ids[1], type & net::kSockTypeMask, type);
  if (fd1 < 0) {
    fd_close(current_process()->files, static_cast<int>(fd0));
    return fd1;
  }
  int32_t fds[2] = {static_cast<int32_t>(fd0), static_cast<int32_t>(fd1)};
  if (copy_to_user(a.a3, fds, sizeof(fds)) < 0) {
    fd_close(current_process()->files, static_cast<int>(fd0));
    fd_close(current_process()->files, static_cast<int>(fd1));
    return -err::kFault;
  }
  return 0;
}

// bind(fd, addr, addrlen)
int64_t sys_bind(const SyscallArgs& a) {
  SocketRef s(a.a0);
  if (s.error()) return s.error();
  UserAddress addr;
  if (int64_t r = copy_address_in(a.a1, a.a2, &addr); r < 0) return r;
  NetLocker lock;
  return lock.stack().bind(s.id(), addr.bytes, addr.len);
}

// listen(fd, backlog)
int64_t sys_listen(const SyscallArgs& a) {
  SocketRef s(a.a0);
  if (s.error()) return s.error();
  NetLocker lock;
  return lock.stack().listen(s.id(), static_cast<int>(a.a1));
}

int64_t sys_accept(const SyscallArgs& a) { return do_accept(a, 0); }
int64_t sys_accept4(const SyscallArgs& a) { return do_accept(a, static_cast<int>(a.a3)); }

// connect(fd, addr, addrlen): TCP waits for the handshake unless the
// socket is non-blocking (then -EINPROGRESS; poll for POLLOUT and read
// SO_ERROR, as on Linux).
int64_t sys_connect(const SyscallArgs& a) {
  SocketRef s(a.a0);
  if (s.error()) return s.error();
  UserAddress addr;
  if (int64_t r = copy_address_in(a.a1, a.a2, &addr); r < 0) return r;
  int r;
  {
    NetLocker lock;
    r = lock.stack().connect(s.id(), addr.bytes, addr.len);
  }
  if (r != -net::err::kInProgress || file_nonblocking(s.file())) return r;
  WaitResult w = net_wait(s.file(), net::kPollOut, send_deadline(s));
  if (w == WaitResult::kInterrupted) return -err::kIntr;
  NetLocker lock;
  r = lock.stack().connect(s.id(), addr.bytes, addr.len);
  // Still in progress after SO_SNDTIMEO: Linux says EINPROGRESS too.
  return r;
}

// shutdown(fd, how)
int64_t sys_shutdown(const SyscallArgs& a) {
  SocketRef s(a.a0);
  if (s.error()) return s.error();
  NetLocker lock;
  return lock.stack().shutdown(s.id(), static_cast<int>(a.a1));
}

int64_t sys_getsockname(const SyscallArgs& a) {
  return socket_name(a, [](net::NetStack& st, net::SocketId id, void* addr, uint32_t* len) {
    return st.getsockname(id, addr, len);
  });
}

int64_t sys_getpeername(const SyscallArgs& a) {
  return socket_name(a, [](net::NetStack& st, net::SocketId id, void* addr, uint32_t* len) {
    return st.getpeername(id, addr, len);
  });
}

// setsockopt(fd, level, name, value, len)
int64_t sys_setsockopt(const SyscallArgs& a) {
  SocketRef s(a.a0);
  if (s.error()) return s.error();
  uint8_t value[64];
  if (a.a4 > sizeof(value)) return -err::kInval;
  if (a.a4 > 0 && copy_from_user(value, a.a3, a.a4) < 0) return -err::kFault;
  NetLocker lock;
  return lock.stack().setsockopt(s.id(), static_cast<int>(a.a1), static_cast<int>(a.a2), value,
                                 static_cast<uint32_t>(a.a4));
}

// getsockopt(fd, level, name, value, int* len)
int64_t sys_getsockopt(const SyscallArgs& a) {
  SocketRef s(a.a0);
  if (s.error()) return s.error();
  int32_t room;
  if (get_user(&room, a.a4) < 0) return -err::kFault;
  if (room < 0) return -err::kInval;
  uint8_t value[64] = {};
  uint32_t len = static_cast<uint32_t>(room) < sizeof(value) ? static_cast<uint32_t>(room)
                                                             : sizeof(value);
  int r;
  {
    NetLocker lock;
    r = lock.stack().getsockopt(s.id(), static_cast<int>(a.a1), static_cast<int>(a.a2), value,
                                &len);
  }
  if (r < 0) return r;
  if (copy_to_user(a.a3, value, len) < 0) return -err::kFault;
  return put_user(a.a4, static_cast<int32_t>(len));
}

// close(fd)
int64_t sys_close(const SyscallArgs& a) {
  if (a.a0 >= static_cast<uint64_t>(kMaxFds)) return -err::kBadF;
  return fd_close(current_process()->files, static_cast<int>(a.a0));
}

// fcntl(fd, cmd, arg): F_GETFD/F_SETFD (FD_CLOEXEC), F_GETFL/F_SETFL
// (O_NONBLOCK; O_RDWR is reported as Linux does for sockets).
int64_t sys_fcntl(const SyscallArgs& a) {
  constexpr int kGetFd = 1, kSetFd = 2, kGetFl = 3, kSetFl = 4;
  constexpr uint32_t kORdwr = 2;
  FileTable* t = current_process()->files;
  if (a.a0 >= static_cast<uint64_t>(kMaxFds)) return -err::kBadF;
  int fd = static_cast<int>(a.a0);
  File* f = fd_get(t, fd);
  if (f == nullptr) return -err::kBadF;
  int64_t r = 0;
  switch (static_cast<int>(a.a1)) {
    case kGetFd: {
      SpinLocker lock(t->lock);
      r = t->close_on_exec[fd] ? 1 : 0;
      break;
    }
    case kSetFd: {
      SpinLocker lock(t->lock);
      t->close_on_exec[fd] = (a.a2 & 1) != 0;
      break;
    }
    case kGetFl: r = kORdwr | __atomic_load_n(&f->status_flags, __ATOMIC_RELAXED); break;
    case kSetFl:
      __atomic_store_n(&f->status_flags, static_cast<uint32_t>(a.a2) & kONonblock,
                       __ATOMIC_RELAXED);
      break;
    default: r = -err::kInval; break;
  }
  file_put(f);
  return r;
}
