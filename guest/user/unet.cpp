#include "unet.h"

#include "lib/format.h"

namespace u {
namespace {

struct ErrnoName {
  long value;
  const char* name;
};

// Linux's values (asm-generic/errno-base.h, errno.h), through the two
// headers that define them; the few neither needs are spelled out.
const ErrnoName kErrnoNames[] = {
    {err::kPerm, "EPERM"},
    {err::kNoEnt, "ENOENT"},
    {err::kSrch, "ESRCH"},
    {err::kIntr, "EINTR"},
    {err::kIo, "EIO"},
    {err::k2Big, "E2BIG"},
    {err::kNoExec, "ENOEXEC"},
    {err::kBadF, "EBADF"},
    {err::kChild, "ECHILD"},
    {err::kAgain, "EAGAIN"},
    {err::kNoMem, "ENOMEM"},
    {net::err::kAcces, "EACCES"},
    {err::kFault, "EFAULT"},
    {err::kBusy, "EBUSY"},
    {err::kNoDev, "ENODEV"},
    {err::kInval, "EINVAL"},
    {23, "ENFILE"},
    {net::err::kMFile, "EMFILE"},
    {25, "ENOTTY"},
    {net::err::kPipe, "EPIPE"},
    {net::err::kDom, "EDOM"},
    {err::kDeadlk, "EDEADLK"},
    {err::kNameTooLong, "ENAMETOOLONG"},
    {err::kNoSys, "ENOSYS"},
    {net::err::kNotSock, "ENOTSOCK"},
    {net::err::kDestAddrReq, "EDESTADDRREQ"},
    {net::err::kMsgSize, "EMSGSIZE"},
    {net::err::kProtoType, "EPROTOTYPE"},
    {net::err::kNoProtoOpt, "ENOPROTOOPT"},
    {net::err::kProtoNoSupport, "EPROTONOSUPPORT"},
    {net::err::kSocktNoSupport, "ESOCKTNOSUPPORT"},
    {net::err::kOpNotSupp, "EOPNOTSUPP"},
    {net::err::kAfNoSupport, "EAFNOSUPPORT"},
    {net::err::kAddrInUse, "EADDRINUSE"},
    {net::err::kAddrNotAvail, "EADDRNOTAVAIL"},
    {100, "ENETDOWN"},
    {net::err::kNetUnreach, "ENETUNREACH"},
    {net::err::kConnAborted, "ECONNABORTED"},
    {net::err::kConnReset, "ECONNRESET"},
    {net::err::kNoBufs, "ENOBUFS"},
    {net::err::kIsConn, "EISCONN"},
    {net::err::kNotConn, "ENOTCONN"},
    {net::err::kTimedOut, "ETIMEDOUT"},
    {net::err::kConnRefused, "ECONNREFUSED"},
    {112, "EHOSTDOWN"},
    {net::err::kHostUnreach, "EHOSTUNREACH"},
    {net::err::kAlready, "EALREADY"},
    {net::err::kInProgress, "EINPROGRESS"},
};

// Parses one decimal field of at most max; advances *s past it.
bool parse_field(const char** s, uint64_t max, uint64_t* value) {
  const char* p = *s;
  uint64_t v = 0;
  int digits = 0;
  while (*p >= '0' && *p <= '9') {
    v = v * 10 + static_cast<uint64_t>(*p++ - '0');
    if (++digits > 19 || v > max) return false;
  }
  *s = p;
  *value = v;
  return digits > 0;
}

}  // namespace

bool parse_u64(const char* s, uint64_t* value) {
  return parse_field(&s, UINT64_MAX / 10, value) && *s == '\0';
}

bool parse_port(const char* s, uint16_t* port) {
  uint64_t v = 0;
  if (!parse_field(&s, 65535, &v) || *s != '\0') return false;
  *port = static_cast<uint16_t>(v);
  return true;
}

bool parse_ipv4(const char* s, uint32_t* addr_be) {
  uint32_t host_order = 0;
  for (int i = 0; i < 4; ++i) {
    uint64_t octet = 0;
    if (!parse_field(&s, 255, &octet)) return false;
    if (*s != (i < 3 ? '.' : '\0')) return false;
    if (i < 3) ++s;
    host_order = host_order << 8 | static_cast<uint32_t>(octet);
  }
  *addr_be = htonl(host_order);
  return true;
}

SockAddrIn make_sockaddr_in(uint32_t addr_be, uint16_t port) {
  SockAddrIn a{};
  a.family = net::kAfInet;
  a.port_be = htons(port);
  a.addr_be = addr_be;
  return a;
}

void format_sockaddr(const SockAddrIn& a, char* out, size_t size) {
  uint32_t h = ntohl(a.addr_be);
  snformat(out, size, "%u.%u.%u.%u:%u", h >> 24, (h >> 16) & 0xff, (h >> 8) & 0xff, h & 0xff,
           ntohs(a.port_be));
}

const char* errno_name(long e) {
  if (e < 0) e = -e;
  for (const ErrnoName& n : kErrnoNames) {
    if (n.value == e) return n.name;
  }
  return nullptr;
}

void print_error(const char* what, long e) {
  const char* name = errno_name(e);
  if (name) {
    dprintf(2, "%s: %s\n", what, name);
  } else {
    dprintf(2, "%s: errno %ld\n", what, e < 0 ? -e : e);
  }
}

long set_timeout(int fd, int option, uint64_t ms) {
  Timeval tv{static_cast<int64_t>(ms / 1000), static_cast<int64_t>(ms % 1000 * 1000)};
  return setsockopt(fd, net::kSolSocket, option, &tv, sizeof(tv));
}

long set_int_option(int fd, int level, int name, int value) {
  return setsockopt(fd, level, name, &value, sizeof(value));
}

long set_nonblocking(int fd, bool on) {
  long flags = fcntl(fd, uabi::kFGetfl);
  if (flags < 0) return flags;
  flags = on ? (flags | uabi::kONonblock) : (flags & ~long{uabi::kONonblock});
  return fcntl(fd, uabi::kFSetfl, flags);
}

long tcp_listen(uint16_t port, int backlog) {
  long fd = socket(net::kAfInet, net::kSockStream, 0);
  if (fd < 0) return fd;
  SockAddrIn any = make_sockaddr_in(0, port);
  long r = set_int_option(static_cast<int>(fd), net::kSolSocket, net::kSoReuseAddr, 1);
  if (r == 0) r = bind(static_cast<int>(fd), &any, kSockaddrInLen);
  if (r == 0) r = listen(static_cast<int>(fd), backlog);
  if (r < 0) {
    close(static_cast<int>(fd));
    return r;
  }
  return fd;
}

long tcp_connect(const SockAddrIn& to) {
  long fd = socket(net::kAfInet, net::kSockStream, 0);
  if (fd < 0) return fd;
  long r = connect(static_cast<int>(fd), &to, kSockaddrInLen);
  if (r < 0) {
    close(static_cast<int>(fd));
    return r;
  }
  return fd;
}

long udp_bind(uint16_t port) {
  long fd = socket(net::kAfInet, net::kSockDgram, 0);
  if (fd < 0) return fd;
  SockAddrIn any = make_sockaddr_in(0, port);
  long r = bind(static_cast<int>(fd), &any, kSockaddrInLen);
  if (r < 0) {
    close(static_cast<int>(fd));
    return r;
  }
  return fd;
}

int parse_options(int argc, char** argv, const NumericOption* options, size_t n_options) {
  int i = 1;
  while (i < argc && argv[i][0] == '-' && argv[i][1] != '\0') {
    const NumericOption* match = nullptr;
    for (size_t k = 0; k < n_options; ++k) {
      if (streq(argv[i], options[k].flag)) match = &options[k];
    }
    if (match == nullptr) {
      dprintf(2, "%s: unknown option %s\n", argv[0], argv[i]);
      return -1;
    }
    if (match->value == nullptr) {  // a flag alone, e.g. --bypass
      if (match->seen) *match->seen = true;
      ++i;
      continue;
    }
    if (i + 1 >= argc || !parse_u64(argv[i + 1], match->value)) {
      dprintf(2, "%s: option %s needs a number\n", argv[0], argv[i]);
      return -1;
    }
    if (match->seen) *match->seen = true;
    i += 2;
  }
  return i;
}

void print_throughput(const char* who, uint64_t bytes, uint64_t ns) {
  if (ns == 0) ns = 1;
  uint64_t kbit_per_s = bytes * 8'000'000 / ns;
  printf("%s: %lu bytes in %lu us, %lu.%03lu Mbit/s\n", who, bytes, ns / 1000, kbit_per_s / 1000,
         kbit_per_s % 1000);
}

long write_all(int fd, const void* buf, size_t n) {
  auto* p = static_cast<const uint8_t*>(buf);
  size_t done = 0;
  while (done < n) {
    long r = send(fd, p + done, n - done, net::kMsgNoSignal);
    if (r == -err::kIntr) continue;
    if (r < 0) return r;
    done += static_cast<size_t>(r);
  }
  return 0;
}

long read_exact(int fd, void* buf, size_t n) {
  auto* p = static_cast<uint8_t*>(buf);
  size_t done = 0;
  while (done < n) {
    long r = recv(fd, p + done, n - done, 0);
    if (r == -err::kIntr) continue;
    if (r < 0) return r;
    if (r == 0) break;  // EOF
    done += static_cast<size_t>(r);
  }
  return static_cast<long>(done);
}

}  // namespace u
