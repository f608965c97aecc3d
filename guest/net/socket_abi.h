// The socket interface's constants and structures with Linux x86-64 values
// and layouts (include/uapi/linux/socket.h, asm-generic/socket.h, in.h,
// tcp.h, poll.h), so that the kernel glue copies user arguments through
// unchanged. Names carry a k prefix: the host's C headers define the plain
// names as macros.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace net {

// Socket handles are small non-negative integers chosen by the stack.
using SocketId = int32_t;

// socket(2) domains, types, protocols.
inline constexpr int kAfUnspec = 0;
inline constexpr int kAfUnix = 1;
inline constexpr int kAfInet = 2;
inline constexpr int kSockStream = 1;
inline constexpr int kSockDgram = 2;
inline constexpr int kSockTypeMask = 0xf;
inline constexpr int kSockNonblock = 0x800;    // O_NONBLOCK; the glue's business
inline constexpr int kSockCloexec = 0x80000;   // O_CLOEXEC; the glue's business
inline constexpr int kIpprotoIp = 0;
inline constexpr int kIpprotoIcmp = 1;
inline constexpr int kIpprotoTcp = 6;
inline constexpr int kIpprotoUdp = 17;

// Socket options: setsockopt(2) levels and names.
inline constexpr int kSolSocket = 1;
inline constexpr int kSoReuseAddr = 2;
inline constexpr int kSoType = 3;
inline constexpr int kSoError = 4;
inline constexpr int kSoBroadcast = 6;
inline constexpr int kSoSndBuf = 7;
inline constexpr int kSoRcvBuf = 8;
inline constexpr int kSoKeepAlive = 9;
inline constexpr int kSoRcvTimeo = 20;  // SO_RCVTIMEO_OLD: struct timeval
inline constexpr int kSoSndTimeo = 21;
inline constexpr int kSoAcceptConn = 30;
inline constexpr int kSoProtocol = 38;
inline constexpr int kSoDomain = 39;
inline constexpr int kSolTcp = 6;  // = IPPROTO_TCP
inline constexpr int kTcpNoDelay = 1;
inline constexpr int kTcpMaxSeg = 2;

// send/recv flags.
inline constexpr int kMsgOob = 0x1;
inline constexpr int kMsgPeek = 0x2;
inline constexpr int kMsgTrunc = 0x20;
inline constexpr int kMsgDontWait = 0x40;
inline constexpr int kMsgWaitAll = 0x100;   // the glue's (it loops)
inline constexpr int kMsgNoSignal = 0x4000; // the glue's (SIGPIPE)

// shutdown(2).
inline constexpr int kShutRd = 0;
inline constexpr int kShutWr = 1;
inline constexpr int kShutRdWr = 2;

// poll(2) event bits.
inline constexpr uint32_t kPollIn = 0x001;
inline constexpr uint32_t kPollPri = 0x002;
inline constexpr uint32_t kPollOut = 0x004;
inline constexpr uint32_t kPollErr = 0x008;
inline constexpr uint32_t kPollHup = 0x010;
inline constexpr uint32_t kPollNval = 0x020;
inline constexpr uint32_t kPollRdNorm = 0x040;
inline constexpr uint32_t kPollWrNorm = 0x100;
inline constexpr uint32_t kPollRdHup = 0x2000;

inline constexpr int kSoMaxConn = 4096;  // listen(2) backlog cap

// struct sockaddr_in: port and address in network byte order.
struct SockAddrIn {
  uint16_t family;
  uint16_t port_be;
  uint32_t addr_be;
  uint8_t zero[8];
};
static_assert(sizeof(SockAddrIn) == 16);

// struct timeval (SO_RCVTIMEO / SO_SNDTIMEO).
struct Timeval {
  int64_t tv_sec;
  int64_t tv_usec;
};

// struct iovec and struct msghdr with kernel pointers: the glue has already
// copied the user's structures (and, for the data, checked or copied the
// buffers).
struct IoVec {
  void* base;
  size_t len;
};
static_assert(sizeof(IoVec) == 16);

struct MsgHeader {
  void* name;          // SockAddrIn, or nullptr
  uint32_t namelen;    // in: room; out: the address's real size
  IoVec* iov;
  size_t iovlen;
  void* control;       // no control messages: controllen is set to 0
  size_t controllen;
  int flags;           // out: kMsgTrunc
};
static_assert(sizeof(MsgHeader) == 56);

}  // namespace net
