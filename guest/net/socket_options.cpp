// setsockopt/getsockopt: SOL_SOCKET (socket(7)) and SOL_TCP (tcp(7)).
#include "core.h"
#include "net_errno.h"

namespace net {

namespace {

int read_int_option(const void* value, uint32_t len, int* out) {
  if (value == nullptr || len < sizeof(int)) return -err::kInval;
  copy_bytes(out, value, sizeof(int));
  return 0;
}

// Linux copies at most the option's size and reports what it wrote.
int write_option(void* value, uint32_t* len, const void* data, uint32_t size) {
  if (value == nullptr || len == nullptr) return -err::kFault;
  uint32_t n = min_of(*len, size);
  copy_bytes(value, data, n);
  *len = n;
  return 0;
}

int write_int_option(void* value, uint32_t* len, int v) { return write_option(value, len, &v, sizeof v); }

// sock_set_timeout: microseconds out of range are EDOM; a negative time
// means "no wait" (0 here means "wait forever", so use the smallest wait).
int read_timeout(const void* value, uint32_t len, uint64_t* out_ns) {
  if (value == nullptr || len < sizeof(Timeval)) return -err::kInval;
  Timeval tv;
  copy_bytes(&tv, value, sizeof tv);
  if (tv.tv_usec < 0 || tv.tv_usec >= 1000000) return -err::kDom;
  if (tv.tv_sec < 0) {
    *out_ns = 1;
    return 0;
  }
  constexpr int64_t kMaxSeconds = INT64_MAX / 1000000000 - 1;
  int64_t seconds = tv.tv_sec > kMaxSeconds ? kMaxSeconds : tv.tv_sec;
  *out_ns = static_cast<uint64_t>(seconds) * 1000000000 + static_cast<uint64_t>(tv.tv_usec) * 1000;
  return 0;
}

int write_timeout(void* value, uint32_t* len, uint64_t ns) {
  Timeval tv{static_cast<int64_t>(ns / 1000000000), static_cast<int64_t>(ns % 1000000000 / 1000)};
  return write_option(value, len, &tv, sizeof tv);
}

}  // namespace

int SocketLayer::setsockopt(SocketId id, int level, int name, const void* value, uint32_t len) {
  Socket* s = table.get(id);
  if (s == nullptr) return -err::kBadF;
  if (level == kSolSocket) return set_socket_option(*s, name, value, len);
  if (level != kSolTcp || s->kind != SocketKind::Tcp) return -err::kNoProtoOpt;
  int v;
  int r = read_int_option(value, len, &v);
  if (r < 0) return r;
  switch (name) {
    case kTcpNoDelay:
      s->tcp->nodelay = v != 0;
      return 0;
    case kTcpMaxSeg:
      return 0;  // accepted, not applied: the MSS comes from the route and the peer
    default:
      return -err::kNoProtoOpt;
  }
}

int SocketLayer::set_socket_option(Socket& s, int name, const void* value, uint32_t len) {
  if (name == kSoRcvTimeo) return read_timeout(value, len, &s.rcvtimeo_ns);
  if (name == kSoSndTimeo) return read_timeout(value, len, &s.sndtimeo_ns);
  int v;
  int r = read_int_option(value, len, &v);
  if (r < 0) return r;
  switch (name) {
    case kSoReuseAddr:
      s.reuse_addr = v != 0;
      if (s.tcp != nullptr) s.tcp->reuse_addr = s.reuse_addr;
      return 0;
    case kSoBroadcast:
      s.broadcast = v != 0;
      return 0;
    case kSoKeepAlive:
      s.keepalive = v != 0;  // stored; no keepalive probes are sent
      return 0;
    case kSoRcvBuf:
    case kSoSndBuf:
      return set_buffer_size(s, name, v);
    default:
      return -err::kNoProtoOpt;
  }
}

// socket(7): the value is capped at the maximum, doubled (the kernel's
// bookkeeping share) and raised to the minimum. TCP uses half of it for
// data, so SO_RCVBUF=N gives an N-byte window.
int SocketLayer::set_buffer_size(Socket& s, int name, int requested) {
  const NetConfig& config = core_.config;
  uint32_t value = min_of(static_cast<uint32_t>(requested), config.max_buffer / 2) * 2;
  if (name == kSoRcvBuf) {
    s.rcvbuf = max_of(value, config.min_rcvbuf);
  } else {
    s.sndbuf = max_of(value, config.min_sndbuf);
  }
  if (s.tcp != nullptr) core_.tcp.set_buffer_capacities(*s.tcp, s.sndbuf / 2, s.rcvbuf / 2);
  return 0;
}

int SocketLayer::getsockopt(SocketId id, int level, int name, void* value, uint32_t* len) {
  Socket* s = table.get(id);
  if (s == nullptr) return -err::kBadF;
  if (level == kSolSocket) return get_socket_option(*s, name, value, len);
  if (level != kSolTcp || s->kind != SocketKind::Tcp) return -err::kNoProtoOpt;
  switch (name) {
    case kTcpNoDelay:
      return write_int_option(value, len, s->tcp->nodelay ? 1 : 0);
    case kTcpMaxSeg:
      return write_int_option(value, len, s->tcp->snd_mss);
    default:
      return -err::kNoProtoOpt;
  }
}

int SocketLayer::get_socket_option(Socket& s, int name, void* value, uint32_t* len) {
  switch (name) {
    case kSoReuseAddr:
      return write_int_option(value, len, s.reuse_addr ? 1 : 0);
    case kSoBroadcast:
      return write_int_option(value, len, s.broadcast ? 1 : 0);
    case kSoKeepAlive:
      return write_int_option(value, len, s.keepalive ? 1 : 0);
    case kSoRcvBuf:
      return write_int_option(value, len, static_cast<int>(s.rcvbuf));
    case kSoSndBuf:
      return write_int_option(value, len, static_cast<int>(s.sndbuf));
    case kSoRcvTimeo:
      return write_timeout(value, len, s.rcvtimeo_ns);
    case kSoSndTimeo:
      return write_timeout(value, len, s.sndtimeo_ns);
    case kSoType:
      return write_int_option(value, len, s.kind == SocketKind::Tcp || s.kind == SocketKind::Unix
                                              ? kSockStream : kSockDgram);
    case kSoDomain:
      return write_int_option(value, len, s.kind == SocketKind::Unix ? kAfUnix : kAfInet);
    case kSoProtocol: {
      int protocol = s.kind == SocketKind::Tcp ? kIpprotoTcp
                     : s.kind == SocketKind::Udp ? kIpprotoUdp
                     : s.kind == SocketKind::Icmp ? kIpprotoIcmp : 0;
      return write_int_option(value, len, protocol);
    }
    case kSoAcceptConn:
      return write_int_option(value, len, s.tcp != nullptr && s.tcp->state == TcpState::Listen);
    case kSoError: {
      // Reading SO_ERROR clears it.
      int e = 0;
      if (s.tcp != nullptr) {
        e = core_.tcp.take_error(*s.tcp);
      } else {
        e = s.error;
        s.error = 0;
      }
      return write_int_option(value, len, e);
    }
    default:
      return -err::kNoProtoOpt;
  }
}

}  // namespace net
