// Socket system calls that move data: sendto, recvfrom, sendmsg, recvmsg
// (send and recv are sendto/recvfrom in Linux's x86-64 table), and read and
// write on a socket fd. User data goes through a kernel buffer so that the
// stack, under its spin lock, never touches user memory (a fault there
// could sleep); a bad user buffer gives EFAULT.
#include "arch/x86/include/layout.h"
#include "mm/kheap.h"
#include "mm/uaccess.h"
#include "sched/thread.h"
#include "sys/sys_socket.h"
#include "sys/syscall.h"

using namespace sockcall;

namespace {

constexpr size_t kStreamChunk = 64 * 1024;    // bytes per pass through the stack
constexpr size_t kMaxDatagram = 65535;        // an IPv4 datagram's payload fits
constexpr uint64_t kMaxIov = 1024;            // UIO_MAXIOV
constexpr size_t kInlineIov = 8;

struct UserIoVec {  // struct iovec as user space lays it out
  uint64_t base;
  uint64_t len;
};

// A user iovec array, copied into the kernel.
class UserIov {
 public:
  UserIov() = default;
  ~UserIov() {
    if (v_ != inline_) kheap::release(v_, count_ * sizeof(UserIoVec));
  }
  UserIov(const UserIov&) = delete;
  UserIov& operator=(const UserIov&) = delete;

  // One plain buffer (send, recv, read, write).
  int64_t load_single(uint64_t base, uint64_t len) {
    if (!layout::is_user_range(base, len)) return -err::kFault;
    inline_[0] = {base, len};
    count_ = 1;
    total_ = len;
    return 0;
  }
  // msg_iov / msg_iovlen: -EMSGSIZE above UIO_MAXIOV, -EINVAL if the
  // lengths add up past SSIZE_MAX, -EFAULT.
  int64_t load(uint64_t user_iov, uint64_t count) {
    if (count > kMaxIov) return -net::err::kMsgSize;
    if (count > kInlineIov) {
      v_ = static_cast<UserIoVec*>(kheap::allocate(count * sizeof(UserIoVec)));
      if (v_ == nullptr) {
        v_ = inline_;
        return -err::kNoMem;
      }
    }
    count_ = count;
    if (count > 0 && copy_from_user(v_, user_iov, count * sizeof(UserIoVec)) < 0) return -err::kFault;
    total_ = 0;
    for (size_t i = 0; i < count_; ++i) {
      if (v_[i].len > (uint64_t{1} << 62) || total_ + v_[i].len > (uint64_t{1} << 62)) {
        return -err::kInval;
      }
      if (!layout::is_user_range(v_[i].base, v_[i].len)) return -err::kFault;
      total_ += v_[i].len;
    }
    return 0;
  }
  uint64_t total() const { return total_; }

  // Copies n bytes starting offset bytes into the vector to dst.
  int64_t gather(uint64_t offset, uint8_t* dst, size_t n) const {
    return walk(offset, n, [&](uint64_t user, size_t done, size_t len) {
      return copy_from_user(dst + done, user, len);
    });
  }
  // Copies n bytes from src to the vector, offset bytes in.
  int64_t scatter(uint64_t offset, const uint8_t* src, size_t n) const {
    return walk(offset, n, [&](uint64_t user, size_t done, size_t len) {
      return copy_to_user(user, src + done, len);
    });
  }

 private:
  template <typename Copy>
  int64_t walk(uint64_t offset, size_t n, Copy copy) const {
    size_t done = 0;
    for (size_t i = 0; i < count_ && done < n; ++i) {
      if (offset >= v_[i].len) {
        offset -= v_[i].len;
        continue;
      }
      size_t len = v_[i].len - offset;
      if (len > n - done) len = n - done;
      if (copy(v_[i].base + offset, done, len) < 0) return -err::kFault;
      done += len;
      offset = 0;
    }
    return 0;
  }

  UserIoVec inline_[kInlineIov]{};
  UserIoVec* v_ = inline_;
  size_t count_ = 0;
  uint64_t total_ = 0;
};

// The kernel buffer of one call: the thread's own (every call here needs
// at most kThreadIoBufferSize bytes of it).
class Bounce {
 public:
  explicit Bounce(size_t n) : data_(n <= kThreadIoBufferSize ? thread_io_buffer() : nullptr) {}
  uint8_t* data() const { return data_; }
  bool ok() const { return data_ != nullptr; }

 private:
  uint8_t* data_;
};

bool nonblocking(const SocketRef& s, int flags) {
  return file_nonblocking(s.file()) || (flags & net::kMsgDontWait) != 0;
}

net::MsgHeader kernel_msg(uint8_t* data, size_t len, net::IoVec* iov, void* name, uint32_t namelen) {
  *iov = {data, len};
  net::MsgHeader m{};
  m.name = name;
  m.namelen = namelen;
  m.iov = iov;
  m.iovlen = 1;
  return m;
}

// A datagram goes to the stack whole, or not at all.
int64_t send_datagram(const SocketRef& s, const UserIov& iov, const UserAddress* to, int flags) {
  if (iov.total() > kMaxDatagram) return -net::err::kMsgSize;
  size_t n = iov.total();
  Bounce buf(n);
  if (!buf.ok()) return -err::kNoMem;
  if (iov.gather(0, buf.data(), n) < 0) return -err::kFault;
  return run_blocking(s.file(), nonblocking(s, flags), net::kPollOut, send_deadline(s),
                      [&](net::NetStack& st) {
                        net::IoVec v;
                        net::MsgHeader m = kernel_msg(buf.data(), n, &v,
                                                      to ? const_cast<uint8_t*>(to->bytes) : nullptr,
                                                      to ? to->len : 0);
                        return st.sendmsg(s.id(), m, flags);
                      });
}

// A stream call sends everything unless non-blocking, interrupted or timed
// out (then what went, if anything did: Linux's rule).
int64_t send_stream(const SocketRef& s, const UserIov& iov, const UserAddress* to, int flags) {
  size_t chunk = iov.total() < kStreamChunk ? iov.total() : kStreamChunk;
  Bounce buf(chunk);
  if (!buf.ok()) return -err::kNoMem;
  bool nb = nonblocking(s, flags);
  uint64_t deadline = send_deadline(s);
  uint64_t done = 0;
  do {
    size_t n = iov.total() - done < chunk ? iov.total() - done : chunk;
    if (iov.gather(done, buf.data(), n) < 0) return done ? static_cast<int64_t>(done) : -err::kFault;
    int64_t r = run_blocking(s.file(), nb, net::kPollOut, deadline, [&](net::NetStack& st) {
      net::IoVec v;
      net::MsgHeader m = kernel_msg(buf.data(), n, &v, to ? const_cast<uint8_t*>(to->bytes) : nullptr,
                                    to ? to->len : 0);
      return st.sendmsg(s.id(), m, flags);
    });
    if (r < 0) return done ? static_cast<int64_t>(done) : r;
    done += static_cast<uint64_t>(r);
    if (static_cast<size_t>(r) < n && nb) break;
  } while (done < iov.total());
  return static_cast<int64_t>(done);
}

int64_t do_send(const SocketRef& s, const UserIov& iov, const UserAddress* to, int flags) {
  return s.stream() ? send_stream(s, iov, to, flags) : send_datagram(s, iov, to, flags);
}

struct Received {
  AddressOut from;
  bool want_from = false;
  int msg_flags = 0;
};

// One receive into iov: the byte count (a datagram's real length with
// MSG_TRUNC), 0 at end of stream, or -errno.
int64_t receive_once(const SocketRef& s, const UserIov& iov, uint64_t offset, int flags,
                     uint64_t deadline, Received* out) {
  uint64_t room = iov.total() - offset;
  size_t cap = s.stream() ? kStreamChunk : kMaxDatagram;
  size_t n = room < cap ? room : cap;
  Bounce buf(n);
  if (!buf.ok()) return -err::kNoMem;
  int64_t r = run_blocking(s.file(), nonblocking(s, flags), net::kPollIn, deadline,
                           [&](net::NetStack& st) {
                             net::IoVec v;
                             uint32_t namelen = out->want_from ? out->from.len : 0;
                             net::MsgHeader m = kernel_msg(buf.data(), n, &v,
                                                           out->want_from ? out->from.bytes : nullptr,
                                                           namelen);
                             int64_t got = st.recvmsg(s.id(), &m, flags & ~net::kMsgWaitAll);
                             if (got >= 0) {
                               out->from.len = m.namelen;
                               out->msg_flags = m.flags;
                             }
                             return got;
                           });
  if (r < 0) return r;
  size_t copy = static_cast<uint64_t>(r) < n ? static_cast<size_t>(r) : n;
  if (iov.scatter(offset, buf.data(), copy) < 0) return -err::kFault;
  return r;
}

// MSG_WAITALL on a stream waits for the whole buffer (or the end, an error,
// a signal-free interruption, or the timeout), as Linux does.
int64_t do_receive(const SocketRef& s, const UserIov& iov, int flags, Received* out) {
  uint64_t deadline = receive_deadline(s);
  bool wait_all = s.stream() && (flags & net::kMsgWaitAll) && !(flags & net::kMsgPeek) &&
                  !nonblocking(s, flags);
  uint64_t done = 0;
  for (;;) {
    int64_t r = receive_once(s, iov, done, flags, deadline, out);
    if (r < 0) return done ? static_cast<int64_t>(done) : r;
    done += static_cast<uint64_t>(r);
    if (!wait_all || r == 0 || done >= iov.total()) return static_cast<int64_t>(done);
  }
}

struct UserMsgHdr {  // struct msghdr as user space lays it out
  uint64_t name;
  uint32_t namelen;
  uint32_t pad;
  uint64_t iov;
  uint64_t iovlen;
  uint64_t control;
  uint64_t controllen;
  int32_t flags;
  int32_t pad2;
};
static_assert(sizeof(UserMsgHdr) == sizeof(net::MsgHeader));

// do_send() to the user's address at `name` (namelen bytes), or to the
// socket's peer when name is 0.
int64_t send_to(const SocketRef& s, const UserIov& iov, uint64_t name, uint64_t namelen, int flags) {
  UserAddress to;
  if (name != 0) {
    if (int64_t r = copy_address_in(name, namelen, &to); r < 0) return r;
  }
  return do_send(s, iov, name ? &to : nullptr, flags);
}

// The user's struct msghdr at `user`, and the iovec array it points to.
int64_t load_msghdr(uint64_t user, UserMsgHdr* h, UserIov* iov) {
  if (copy_from_user(h, user, sizeof(*h)) < 0) return -err::kFault;
  return iov->load(h->iov, h->iovlen);
}

}  // namespace

// sendto(fd, buf, len, flags, addr, addrlen); send() is sendto with no address.
int64_t sys_sendto(const SyscallArgs& a) {
  SocketRef s(a.a0);
  if (s.error()) return s.error();
  UserIov iov;
  if (int64_t r = iov.load_single(a.a1, a.a2); r < 0) return r;
  return send_to(s, iov, a.a4, a.a5, static_cast<int>(a.a3));
}

// recvfrom(fd, buf, len, flags, addr, int* addrlen); recv() likewise.
int64_t sys_recvfrom(const SyscallArgs& a) {
  SocketRef s(a.a0);
  if (s.error()) return s.error();
  UserIov iov;
  if (int64_t r = iov.load_single(a.a1, a.a2); r < 0) return r;
  Received got;
  got.want_from = a.a4 != 0;
  if (int64_t r = prepare_address_out(a.a4, a.a5, &got.from); r < 0) return r;
  int64_t n = do_receive(s, iov, static_cast<int>(a.a3), &got);
  if (n < 0 || !got.want_from) return n;
  // A stream socket has no per-read source: Linux leaves addrlen 0 there.
  if (copy_address_out(a.a4, a.a5, got.from) < 0) return -err::kFault;
  return n;
}

// sendmsg(fd, const struct msghdr*, flags)
int64_t sys_sendmsg(const SyscallArgs& a) {
  SocketRef s(a.a0);
  if (s.error()) return s.error();
  UserMsgHdr h;
  UserIov iov;
  if (int64_t r = load_msghdr(a.a1, &h, &iov); r < 0) return r;
  return send_to(s, iov, h.name, h.namelen, static_cast<int>(a.a2));
}

// recvmsg(fd, struct msghdr*, flags): fills msg_namelen, msg_flags, and
// msg_controllen (0: no control messages).
int64_t sys_recvmsg(const SyscallArgs& a) {
  SocketRef s(a.a0);
  if (s.error()) return s.error();
  UserMsgHdr h;
  UserIov iov;
  if (int64_t r = load_msghdr(a.a1, &h, &iov); r < 0) return r;
  Received got;
  got.want_from = h.name != 0;
  if (got.want_from) {
    if (static_cast<int32_t>(h.namelen) < 0) return -err::kInval;
    got.from.user_room = h.namelen;
    got.from.len = h.namelen < kMaxAddrLen ? h.namelen : kMaxAddrLen;
  }
  int64_t n = do_receive(s, iov, static_cast<int>(a.a2), &got);
  if (n < 0) return n;
  if (got.want_from) {
    uint32_t copy = got.from.len < got.from.user_room ? got.from.len : got.from.user_room;
    if (copy_to_user(h.name, got.from.bytes, copy) < 0) return -err::kFault;
  }
  UserMsgHdr out = h;
  out.namelen = got.want_from ? got.from.len : 0;
  out.controllen = 0;
  out.flags = got.msg_flags;
  if (copy_to_user(a.a1, &out, sizeof(out)) < 0) return -err::kFault;
  return n;
}

// read(fd, buf, count) and write(fd, buf, count) on a socket fd: recv and
// send with no flags (sys_io.cpp sends them here).
int64_t socket_read(uint64_t fd, uint64_t buf, uint64_t count) {
  SyscallArgs a{fd, buf, count, 0, 0, 0, nullptr};
  return sys_recvfrom(a);
}

int64_t socket_write(uint64_t fd, uint64_t buf, uint64_t count) {
  SyscallArgs a{fd, buf, count, 0, 0, 0, nullptr};
  return sys_sendto(a);
}
