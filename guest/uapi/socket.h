// User-space structures and constants of the socket-related calls that
// guest/net/socket_abi.h does not carry (it holds what the stack itself
// needs): poll(2)'s struct pollfd, select(2)'s fd_set, fcntl(2) commands and
// O_NONBLOCK. Linux x86-64 values and layouts (include/uapi/asm-generic/
// poll.h, posix_types.h, fcntl.h), so user programs built against this
// header also run unchanged on a Linux host.
#pragma once

#include <stdint.h>

namespace uabi {

// struct pollfd. The event bits are net::kPoll* (net/socket_abi.h).
struct PollFd {
  int32_t fd;
  int16_t events;
  int16_t revents;
};
static_assert(sizeof(PollFd) == 8);

// fd_set (__kernel_fd_set): a bitmap of FD_SETSIZE descriptors in unsigned
// longs, bit (fd % 64) of word (fd / 64).
inline constexpr int kFdSetSize = 1024;
struct FdSet {
  uint64_t bits[kFdSetSize / 64];
};
static_assert(sizeof(FdSet) == 128);

inline void fd_zero(FdSet* s) {
  for (uint64_t& w : s->bits) w = 0;
}
inline void fd_set(int fd, FdSet* s) { s->bits[fd / 64] |= uint64_t{1} << (fd % 64); }
inline void fd_clr(int fd, FdSet* s) { s->bits[fd / 64] &= ~(uint64_t{1} << (fd % 64)); }
inline bool fd_isset(int fd, const FdSet* s) { return (s->bits[fd / 64] >> (fd % 64)) & 1; }

// fcntl(2) commands and the one file status flag sockets have here.
inline constexpr int kFGetfl = 3;
inline constexpr int kFSetfl = 4;
inline constexpr int kONonblock = 0x800;  // = SOCK_NONBLOCK (net::kSockNonblock)

}  // namespace uabi
