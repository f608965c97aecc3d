// netcheck [CHECK...]: the socket system calls one by one over 127.0.0.1
// and AF_UNIX pairs (needs no network device), each wrapper of unet.h at
// least once. Prints "netcheck NAME: ok" or "netcheck NAME: FAIL <why>"
// per check (default: all), then "netcheck: N passed, M failed".
// Exit status 0 if all passed, 1 if not, 2 for an unknown check name.
#include "unet.h"

namespace {

const char* g_check = "?";

// Reports a failure of the running check if got != want.
bool expect(long got, long want, const char* what) {
  if (got == want) return true;
  const char* name = u::errno_name(got);
  if (got < 0 && name) {
    u::printf("netcheck %s: FAIL %s: %s, expected %ld\n", g_check, what, name, want);
  } else {
    u::printf("netcheck %s: FAIL %s: %ld, expected %ld\n", g_check, what, got, want);
  }
  return false;
}

bool ok(long got, const char* what) { return got >= 0 || expect(got, 0, what); }

u::SockAddrIn loopback(uint16_t port) { return u::make_sockaddr_in(u::htonl(0x7f000001), port); }

// The port a socket is bound to (0 on error).
uint16_t local_port(int fd) {
  u::SockAddrIn a{};
  uint32_t len = sizeof(a);
  if (u::getsockname(fd, &a, &len) < 0) return 0;
  return u::ntohs(a.port_be);
}

// A listener on an ephemeral loopback port, a client connected to it and
// the accepted end (accept4 with flags).
struct TcpTrio {
  int listener = -1, client = -1, server = -1;
  ~TcpTrio() {
    const int fds[] = {listener, client, server};
    for (int fd : fds) {
      if (fd >= 0) u::close(fd);
    }
  }
};

bool make_trio(TcpTrio& t, int accept_flags) {
  long fd = u::tcp_listen(0, 4);
  if (!ok(fd, "listen")) return false;
  t.listener = static_cast<int>(fd);
  fd = u::tcp_connect(loopback(local_port(t.listener)));
  if (!ok(fd, "connect")) return false;
  t.client = static_cast<int>(fd);
  fd = u::accept4(t.listener, nullptr, nullptr, accept_flags);
  if (!ok(fd, "accept4")) return false;
  t.server = static_cast<int>(fd);
  return true;
}

bool check_socketpair() {
  int fds[2] = {-1, -1};
  if (!ok(u::socketpair(net::kAfUnix, net::kSockStream, 0, fds), "socketpair")) return false;
  char buf[8];
  bool good = expect(u::send(fds[0], "ping", 4, 0), 4, "send") &&
              expect(u::read_exact(fds[1], buf, 4), 4, "recv") &&
              expect(u::write_all(fds[1], "pong", 4), 0, "write_all") &&
              expect(u::shutdown(fds[1], net::kShutWr), 0, "shutdown") &&
              expect(u::read_exact(fds[0], buf, 8), 4, "read to EOF");
  u::close(fds[0]);
  u::close(fds[1]);
  return good;
}

bool check_names() {
  TcpTrio t;
  if (!make_trio(t, 0)) return false;
  u::SockAddrIn peer{}, client_name{};
  uint32_t len = sizeof(peer), len2 = sizeof(client_name);
  if (!ok(u::getpeername(t.server, &peer, &len), "getpeername") ||
      !ok(u::getsockname(t.client, &client_name, &len2), "getsockname")) {
    return false;
  }
  return expect(len, sizeof(peer), "address length") &&
         expect(peer.port_be, client_name.port_be, "peer port") &&
         expect(u::ntohl(peer.addr_be), 0x7f000001, "peer address") &&
         expect(local_port(t.server), local_port(t.listener), "accepted port");
}

bool check_accept() {
  TcpTrio t;
  if (!make_trio(t, net::kSockNonblock)) return false;
  char c;
  if (!expect(u::fcntl(t.server, uabi::kFGetfl) & uabi::kONonblock, uabi::kONonblock,
              "accept4 SOCK_NONBLOCK") ||
      !expect(u::recv(t.server, &c, 1, 0), -err::kAgain, "recv, nonblocking") ||
      !expect(u::set_nonblocking(t.listener, true), 0, "fcntl listener") ||
      !expect(u::accept(t.listener, nullptr, nullptr), -err::kAgain, "accept, none pending")) {
    return false;
  }
  u::SockAddrIn to = loopback(local_port(t.listener));
  if (!expect(u::connect(t.client, &to, u::kSockaddrInLen), -net::err::kIsConn, "connect again")) {
    return false;
  }
  TcpTrio second;
  long fd = u::tcp_connect(to);
  if (!ok(fd, "second connect")) return false;
  second.client = static_cast<int>(fd);
  u::PollFd p{t.listener, static_cast<int16_t>(net::kPollIn), 0};
  u::SockAddrIn from{};
  uint32_t len = sizeof(from);
  if (!expect(u::poll(&p, 1, 5000), 1, "poll listener")) return false;
  fd = u::accept(t.listener, &from, &len);
  if (!ok(fd, "accept")) return false;
  second.server = static_cast<int>(fd);
  return expect(u::ntohs(from.port_be), local_port(second.client), "accepted peer port");
}

bool check_nonblocking() {
  TcpTrio t;
  if (!make_trio(t, 0)) return false;
  char c;
  return expect(u::set_nonblocking(t.client, true), 0, "fcntl F_SETFL") &&
         expect(u::fcntl(t.client, uabi::kFGetfl) & uabi::kONonblock, uabi::kONonblock, "F_GETFL") &&
         expect(u::recv(t.client, &c, 1, 0), -err::kAgain, "recv") &&
         expect(u::recv(t.server, &c, 1, net::kMsgDontWait), -err::kAgain, "MSG_DONTWAIT") &&
         expect(u::set_nonblocking(t.client, false), 0, "fcntl clear");
}

bool check_poll() {
  TcpTrio t;
  if (!make_trio(t, 0)) return false;
  u::PollFd p[2] = {{t.server, static_cast<int16_t>(net::kPollIn), 0},
                    {t.client, static_cast<int16_t>(net::kPollOut), 0}};
  if (!expect(u::poll(p, 2, 0), 1, "poll before data") ||
      !expect(p[1].revents & net::kPollOut, net::kPollOut, "POLLOUT")) {
    return false;
  }
  if (!expect(u::send(t.client, "x", 1, 0), 1, "send")) return false;
  if (!expect(u::poll(p, 1, 5000), 1, "poll after data") ||
      !expect(p[0].revents & net::kPollIn, net::kPollIn, "POLLIN")) {
    return false;
  }
  u::close(t.client);
  t.client = -1;
  char buf[4];
  return expect(u::read_exact(t.server, buf, sizeof(buf)), 1, "read to EOF") &&
         expect(u::poll(p, 1, 5000), 1, "poll at EOF");
}

bool check_select() {
  TcpTrio t;
  if (!make_trio(t, 0)) return false;
  u::FdSet readable;
  uabi::fd_zero(&readable);
  uabi::fd_set(t.server, &readable);
  u::Timeval zero{0, 0};
  if (!expect(u::select(t.server + 1, &readable, nullptr, nullptr, &zero), 0, "select, no data")) {
    return false;
  }
  if (!expect(u::send(t.client, "x", 1, 0), 1, "send")) return false;
  uabi::fd_set(t.server, &readable);
  u::Timeval five{5, 0};
  return expect(u::select(t.server + 1, &readable, nullptr, nullptr, &five), 1, "select") &&
         expect(uabi::fd_isset(t.server, &readable), 1, "FD_ISSET");
}

bool check_options() {
  TcpTrio t;
  if (!make_trio(t, 0)) return false;
  int value = -1;
  uint32_t len = sizeof(value);
  if (!ok(u::getsockopt(t.client, net::kSolSocket, net::kSoType, &value, &len), "SO_TYPE") ||
      !expect(value, net::kSockStream, "SO_TYPE")) {
    return false;
  }
  len = sizeof(value);
  if (!ok(u::getsockopt(t.client, net::kSolSocket, net::kSoError, &value, &len), "SO_ERROR") ||
      !expect(value, 0, "SO_ERROR")) {
    return false;
  }
  char c;
  uint64_t start = u::now_ns();
  return expect(u::set_int_option(t.client, net::kSolTcp, net::kTcpNoDelay, 1), 0, "TCP_NODELAY") &&
         expect(u::set_timeout(t.client, net::kSoRcvTimeo, 50), 0, "SO_RCVTIMEO") &&
         expect(u::recv(t.client, &c, 1, 0), -err::kAgain, "recv with SO_RCVTIMEO") &&
         expect(u::now_ns() - start >= 40'000'000, 1, "SO_RCVTIMEO waited");
}

bool check_refused() {
  long probe = u::tcp_listen(0, 1);  // a port nobody listens on once closed
  if (!ok(probe, "listen")) return false;
  uint16_t port = local_port(static_cast<int>(probe));
  u::close(static_cast<int>(probe));
  return expect(u::tcp_connect(loopback(port)), -net::err::kConnRefused, "connect");
}

bool check_msg() {
  long a = u::udp_bind(0), b = u::udp_bind(0);
  if (!ok(a, "bind a") || !ok(b, "bind b")) return false;
  u::SockAddrIn to = loopback(local_port(static_cast<int>(b)));
  char part1[] = "hello, ", part2[] = "world";
  u::IoVec out[2] = {{part1, 7}, {part2, 5}};
  u::MsgHdr msg{&to, sizeof(to), out, 2, nullptr, 0, 0};
  if (!expect(u::sendmsg(static_cast<int>(a), &msg, 0), 12, "sendmsg")) return false;
  char head[5], tail[4];
  u::SockAddrIn from{};
  u::IoVec in[2] = {{head, sizeof(head)}, {tail, sizeof(tail)}};
  u::MsgHdr rmsg{&from, sizeof(from), in, 2, nullptr, 0, 0};
  bool good = expect(u::recvmsg(static_cast<int>(b), &rmsg, 0), 9, "recvmsg (truncated)") &&
              expect(rmsg.flags & net::kMsgTrunc, net::kMsgTrunc, "MSG_TRUNC") &&
              expect(u::ntohs(from.port_be), local_port(static_cast<int>(a)), "sender port") &&
              expect(head[0] == 'h' && tail[0] == ',' && tail[3] == 'o', 1, "scatter");
  u::close(static_cast<int>(a));
  u::close(static_cast<int>(b));
  return good;
}

struct Check {
  const char* name;
  bool (*run)();
};

const Check kChecks[] = {
    {"socketpair", check_socketpair},
    {"names", check_names},
    {"accept", check_accept},
    {"nonblocking", check_nonblocking},
    {"poll", check_poll},
    {"select", check_select},
    {"options", check_options},
    {"refused", check_refused},
    {"msg", check_msg},
};

const Check* find(const char* name) {
  for (const Check& c : kChecks) {
    if (u::streq(c.name, name)) return &c;
  }
  return nullptr;
}

bool run(const Check& c) {
  g_check = c.name;
  bool passed = c.run();
  if (passed) u::printf("netcheck %s: ok\n", c.name);
  return passed;
}

}  // namespace

int main(int argc, char** argv) {
  int passed = 0, failed = 0;
  for (int i = 1; i < argc; ++i) {
    if (find(argv[i]) == nullptr) {
      u::dprintf(2, "netcheck: unknown check %s\n", argv[i]);
      return u::kExitUsage;
    }
  }
  for (const Check& c : kChecks) {
    bool wanted = argc == 1;
    for (int i = 1; i < argc; ++i) wanted |= u::streq(argv[i], c.name);
    if (wanted) (run(c) ? passed : failed)++;
  }
  u::printf("netcheck: %d passed, %d failed\n", passed, failed);
  return failed ? u::kExitFailure : u::kExitOk;
}
