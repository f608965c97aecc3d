// unet: the user-space socket library. System call wrappers with Linux's
// signatures (results are values or -errno, as the raw calls return them),
// IPv4 address helpers, whole-buffer send/receive loops and error printing
// by errno name. Constants and structures come from net/socket_abi.h (the
// stack's, Linux's layouts) and uapi/socket.h (pollfd, fd_set, fcntl), so
// the programs built on it run unchanged on a Linux host too.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "net/net_errno.h"
#include "net/socket_abi.h"
#include "uapi/socket.h"
#include "ulib.h"

namespace u {

using net::SockAddrIn;
using net::Timeval;
// net::MsgHeader and net::IoVec have the layout of struct msghdr and struct
// iovec; in user space their pointers are user pointers.
using MsgHdr = net::MsgHeader;
using IoVec = net::IoVec;
using uabi::FdSet;
using uabi::PollFd;

// Exit statuses shared by the network programs.
enum ExitStatus : int {
  kExitOk = 0,
  kExitFailure = 1,   // a call failed, a reply never came, a count fell short
  kExitUsage = 2,     // bad arguments
  kExitRefused = 3,   // connect: ECONNREFUSED
  kExitCorrupt = 4,   // data came back, but not what was sent
};

// ---- system calls ----
inline long close(int fd) { return syscall(sys::kClose, fd); }
inline long socket(int domain, int type, int protocol) {
  return syscall(sys::kSocket, domain, type, protocol);
}
inline long bind(int fd, const void* addr, uint32_t len) {
  return syscall(sys::kBind, fd, arg(addr), len);
}
inline long listen(int fd, int backlog) { return syscall(sys::kListen, fd, backlog); }
inline long accept4(int fd, void* addr, uint32_t* len, int flags) {
  return syscall(sys::kAccept4, fd, arg(addr), arg(len), flags);
}
inline long accept(int fd, void* addr, uint32_t* len) {
  return syscall(sys::kAccept, fd, arg(addr), arg(len));
}
inline long connect(int fd, const void* addr, uint32_t len) {
  return syscall(sys::kConnect, fd, arg(addr), len);
}
inline long sendto(int fd, const void* buf, size_t n, int flags, const void* addr, uint32_t len) {
  return syscall6(sys::kSendto, fd, arg(buf), static_cast<long>(n), flags, arg(addr), len);
}
inline long send(int fd, const void* buf, size_t n, int flags) {
  return sendto(fd, buf, n, flags, nullptr, 0);
}
inline long recvfrom(int fd, void* buf, size_t n, int flags, void* addr, uint32_t* len) {
  return syscall6(sys::kRecvfrom, fd, arg(buf), static_cast<long>(n), flags, arg(addr), arg(len));
}
inline long recv(int fd, void* buf, size_t n, int flags) {
  return recvfrom(fd, buf, n, flags, nullptr, nullptr);
}
inline long sendmsg(int fd, const MsgHdr* msg, int flags) {
  return syscall(sys::kSendmsg, fd, arg(msg), flags);
}
inline long recvmsg(int fd, MsgHdr* msg, int flags) {
  return syscall(sys::kRecvmsg, fd, arg(msg), flags);
}
inline long shutdown(int fd, int how) { return syscall(sys::kShutdown, fd, how); }
inline long setsockopt(int fd, int level, int name, const void* value, uint32_t len) {
  return syscall6(sys::kSetsockopt, fd, level, name, arg(value), len, 0);
}
inline long getsockopt(int fd, int level, int name, void* value, uint32_t* len) {
  return syscall6(sys::kGetsockopt, fd, level, name, arg(value), arg(len), 0);
}
inline long getsockname(int fd, void* addr, uint32_t* len) {
  return syscall(sys::kGetsockname, fd, arg(addr), arg(len));
}
inline long getpeername(int fd, void* addr, uint32_t* len) {
  return syscall(sys::kGetpeername, fd, arg(addr), arg(len));
}
inline long socketpair(int domain, int type, int protocol, int fds[2]) {
  return syscall(sys::kSocketpair, domain, type, protocol, arg(fds));
}
inline long poll(PollFd* fds, size_t n, int timeout_ms) {
  return syscall(sys::kPoll, arg(fds), static_cast<long>(n), timeout_ms);
}
inline long select(int nfds, FdSet* readable, FdSet* writable, FdSet* except, Timeval* timeout) {
  return syscall6(sys::kSelect, nfds, arg(readable), arg(writable), arg(except), arg(timeout), 0);
}
inline long fcntl(int fd, int cmd, long value = 0) { return syscall(sys::kFcntl, fd, cmd, value); }

// ---- byte order (x86-64 is little-endian; the network is big-endian) ----
constexpr uint16_t htons(uint16_t v) { return __builtin_bswap16(v); }
constexpr uint16_t ntohs(uint16_t v) { return __builtin_bswap16(v); }
constexpr uint32_t htonl(uint32_t v) { return __builtin_bswap32(v); }
constexpr uint32_t ntohl(uint32_t v) { return __builtin_bswap32(v); }

// ---- addresses and numbers ----
// "a.b.c.d" (each 0..255, nothing else) into a network-order address.
bool parse_ipv4(const char* s, uint32_t* addr_be);
// A decimal number with nothing after it.
bool parse_u64(const char* s, uint64_t* value);
bool parse_port(const char* s, uint16_t* port);  // 0..65535
SockAddrIn make_sockaddr_in(uint32_t addr_be, uint16_t port);
inline constexpr uint32_t kSockaddrInLen = sizeof(SockAddrIn);
// "a.b.c.d:port" into out (24 bytes are always enough).
void format_sockaddr(const SockAddrIn& a, char* out, size_t size);
inline constexpr size_t kSockaddrTextLen = 24;

// ---- errors ----
// "ECONNREFUSED" for 111 or -111; nullptr for a value it does not know.
const char* errno_name(long err);
// "what: ENAME" on stderr ("what: errno N" if the name is unknown). err may
// be -errno or errno.
void print_error(const char* what, long err);

// ---- common socket chores (0 / fd, or -errno) ----
long set_timeout(int fd, int option, uint64_t ms);  // kSoRcvTimeo or kSoSndTimeo
long set_int_option(int fd, int level, int name, int value);
long set_nonblocking(int fd, bool on);
// A TCP socket listening on 0.0.0.0:port with SO_REUSEADDR.
long tcp_listen(uint16_t port, int backlog);
// A connected TCP socket, or -errno (-ECONNREFUSED when nobody listens).
long tcp_connect(const SockAddrIn& to);
// A UDP socket bound to 0.0.0.0:port.
long udp_bind(uint16_t port);

// ---- command lines ----
// One "-x NUMBER" option, or with value nullptr a flag alone ("--bypass");
// *seen (if any) is set when it was given.
struct NumericOption {
  const char* flag;
  uint64_t* value;
  bool* seen = nullptr;
};
// Reads the leading options of argv[1..]: the index of the first other
// word, or -1 (after a line on stderr) for an unknown flag or a bad number.
int parse_options(int argc, char** argv, const NumericOption* options, size_t n_options);

// ---- reports ----
// Connected sockets give up after this long without progress (recv
// SO_RCVTIMEO): a stalled peer ends a test instead of hanging it.
inline constexpr uint64_t kStallTimeoutMs = 60'000;
// "who: N bytes in U us, M.MMM Mbit/s".
void print_throughput(const char* who, uint64_t bytes, uint64_t ns);

// ---- whole-buffer loops on stream sockets (send/recv: also for sockets
// whose read/write the kernel may not route) ----
// Sends all n bytes (MSG_NOSIGNAL: a closed peer is -EPIPE, not a signal).
long write_all(int fd, const void* buf, size_t n);
// Reads until n bytes or EOF: the count read (less than n only at EOF).
long read_exact(int fd, void* buf, size_t n);

}  // namespace u
