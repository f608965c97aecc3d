// poll and select over any mix of fds (sockets and the console). Each
// sleeps on the one queue every readiness change wakes (file_poll_queue),
// since a thread waits on one queue at a time.
#include "dev/tty.h"
#include "mm/kheap.h"
#include "mm/uaccess.h"
#include "sys/sys_socket.h"
#include "sys/syscall.h"

namespace {

constexpr uint64_t kMaxPollFds = 1024;  // RLIMIT_NOFILE's default
constexpr uint32_t kAlwaysReported = net::kPollErr | net::kPollHup | net::kPollNval;

struct UserPollFd {  // struct pollfd
  int32_t fd;
  int16_t events;
  int16_t revents;
};

struct Watched {
  int32_t fd;
  uint32_t events;
  uint32_t revents;
  File* file;  // referenced for the whole call; nullptr for fd < 0 or a bad fd
};

// The files of one poll/select call, referenced until it returns.
class WatchSet {
 public:
  explicit WatchSet(size_t n)
      : n_(n), w_(static_cast<Watched*>(kheap::allocate((n ? n : 1) * sizeof(Watched)))) {}
  ~WatchSet() {
    if (w_ == nullptr) return;
    for (size_t i = 0; i < n_; ++i) {
      if (w_[i].file) file_put(w_[i].file);
    }
    kheap::release(w_, (n_ ? n_ : 1) * sizeof(Watched));
  }
  WatchSet(const WatchSet&) = delete;
  WatchSet& operator=(const WatchSet&) = delete;

  bool ok() const { return w_ != nullptr; }
  size_t size() const { return n_; }
  Watched& operator[](size_t i) { return w_[i]; }

  void set(size_t i, int32_t fd, uint32_t events) {
    File* f = fd < 0 ? nullptr : fd_get(current_process()->files, fd);
    w_[i] = {fd, events, 0, f};
  }

  // Fills every revents; returns how many entries have any.
  size_t check() {
    net_poll_devices();
    size_t ready = 0;
    NetLocker lock;
    for (size_t i = 0; i < n_; ++i) {
      w_[i].revents = readiness(lock.stack(), w_[i]);
      if (w_[i].revents) ++ready;
    }
    return ready;
  }

 private:
  static uint32_t readiness(net::NetStack& st, const Watched& w) {
    if (w.fd < 0) return 0;
    if (w.file == nullptr) return net::kPollNval;
    uint32_t mask;
    if (w.file->kind == FileKind::kSocket) {
      mask = st.poll(w.file->socket);
    } else {
      mask = net::kPollOut | net::kPollWrNorm;
      if (tty_input_ready()) mask |= net::kPollIn | net::kPollRdNorm;
    }
    return mask & (w.events | kAlwaysReported);
  }

  size_t n_;
  Watched* w_;
};

// Waits until something in set is ready or the deadline (TSC; 0 none)
// passes; infinite: no deadline. Returns the ready count or -EINTR.
int64_t wait_ready(WatchSet& set, bool poll_once, uint64_t deadline) {
  size_t ready = set.check();
  if (ready > 0 || poll_once) return static_cast<int64_t>(ready);
  WaitResult w = file_poll_queue().wait([&] { return (ready = set.check()) > 0; }, deadline);
  if (w == WaitResult::kInterrupted) return -err::kIntr;
  return static_cast<int64_t>(ready);
}

uint64_t ms_to_ns(int64_t ms) { return static_cast<uint64_t>(ms) * 1'000'000; }

}  // namespace

// poll(struct pollfd* fds, nfds, timeout_ms): timeout < 0 waits forever.
int64_t sys_poll(const SyscallArgs& a) {
  if (a.a1 > kMaxPollFds) return -err::kInval;
  size_t n = a.a1;
  auto* user = static_cast<UserPollFd*>(kheap::allocate((n ? n : 1) * sizeof(UserPollFd)));
  if (user == nullptr) return -err::kNoMem;
  int64_t result;
  if (n > 0 && copy_from_user(user, a.a0, n * sizeof(UserPollFd)) < 0) {
    result = -err::kFault;
  } else {
    WatchSet set(n);
    if (!set.ok()) {
      result = -err::kNoMem;
    } else {
      for (size_t i = 0; i < n; ++i) set.set(i, user[i].fd, static_cast<uint16_t>(user[i].events));
      auto timeout = static_cast<int32_t>(a.a2);
      result = wait_ready(set, timeout == 0, timeout > 0 ? net_deadline_after(ms_to_ns(timeout)) : 0);
      for (size_t i = 0; i < n && result >= 0; ++i) user[i].revents = static_cast<int16_t>(set[i].revents);
      if (result >= 0 && n > 0 && copy_to_user(a.a0, user, n * sizeof(UserPollFd)) < 0) {
        result = -err::kFault;
      }
    }
  }
  kheap::release(user, (n ? n : 1) * sizeof(UserPollFd));
  return result;
}

namespace {

constexpr int kFdSetBits = 1024;  // FD_SETSIZE
struct FdSet {
  uint64_t bits[kFdSetBits / 64];
  bool has(int fd) const { return (bits[fd / 64] >> (fd % 64)) & 1; }
  void add(int fd) { bits[fd / 64] |= uint64_t{1} << (fd % 64); }
};

constexpr uint32_t kSelectRead = net::kPollIn | net::kPollRdNorm | net::kPollHup | net::kPollErr;
constexpr uint32_t kSelectWrite = net::kPollOut | net::kPollWrNorm | net::kPollErr;
constexpr uint32_t kSelectExcept = net::kPollPri;

// Only the first nfds bits of a set are the caller's (the rest may not even
// be mapped): copy just those bytes.
int64_t load_set(uint64_t user, int nfds, FdSet* set) {
  *set = FdSet{};
  size_t bytes = static_cast<size_t>((nfds + 63) / 64) * 8;
  if (user == 0 || bytes == 0) return 0;
  return copy_from_user(set->bits, user, bytes);
}

int64_t store_set(uint64_t user, int nfds, const FdSet& set) {
  size_t bytes = static_cast<size_t>((nfds + 63) / 64) * 8;
  if (user == 0 || bytes == 0) return 0;
  return copy_to_user(user, set.bits, bytes);
}

}  // namespace

// select(nfds, readfds, writefds, exceptfds, struct timeval* timeout)
int64_t sys_select(const SyscallArgs& a) {
  auto nfds = static_cast<int32_t>(a.a0);
  if (nfds < 0 || nfds > kFdSetBits) return -err::kInval;
  FdSet in[3];
  uint64_t users[3] = {a.a1, a.a2, a.a3};
  for (int k = 0; k < 3; ++k) {
    if (load_set(users[k], nfds, &in[k]) < 0) return -err::kFault;
  }
  uint64_t deadline = 0;
  bool poll_once = false;
  if (a.a4 != 0) {
    net::Timeval tv;
    if (copy_from_user(&tv, a.a4, sizeof(tv)) < 0) return -err::kFault;
    if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1'000'000) return -err::kInval;
    uint64_t ns = static_cast<uint64_t>(tv.tv_sec) * 1'000'000'000 + static_cast<uint64_t>(tv.tv_usec) * 1000;
    poll_once = ns == 0;
    deadline = net_deadline_after(ns);
  }
  size_t count = 0;
  for (int fd = 0; fd < nfds; ++fd) {
    if (in[0].has(fd) || in[1].has(fd) || in[2].has(fd)) ++count;
  }
  WatchSet set(count);
  if (!set.ok()) return -err::kNoMem;
  size_t i = 0;
  for (int fd = 0; fd < nfds; ++fd) {
    uint32_t events = (in[0].has(fd) ? kSelectRead : 0) | (in[1].has(fd) ? kSelectWrite : 0) |
                      (in[2].has(fd) ? kSelectExcept : 0);
    if (events == 0) continue;
    set.set(i, fd, events);
    if (set[i].file == nullptr) return -err::kBadF;
    ++i;
  }
  int64_t r = wait_ready(set, poll_once, deadline);
  if (r < 0) return r;
  FdSet out[3] = {};
  int64_t bits = 0;
  for (size_t k = 0; k < set.size(); ++k) {
    const Watched& w = set[k];
    if (in[0].has(w.fd) && (w.revents & kSelectRead)) { out[0].add(w.fd); ++bits; }
    if (in[1].has(w.fd) && (w.revents & kSelectWrite)) { out[1].add(w.fd); ++bits; }
    if (in[2].has(w.fd) && (w.revents & kSelectExcept)) { out[2].add(w.fd); ++bits; }
  }
  for (int k = 0; k < 3; ++k) {
    if (store_set(users[k], nfds, out[k]) < 0) return -err::kFault;
  }
  return bits;
}
