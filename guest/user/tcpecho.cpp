// tcpecho: TCP echo server and checking client.
//
// tcpecho [--bypass] -l PORT [-n COUNT]
//   Server on 0.0.0.0:PORT: accepts connections one after another and
//   sends back everything each one sends until its EOF, then closes it.
//   Prints "tcpecho: listening on port P" once listening. Runs forever, or
//   after COUNT connections prints "tcpecho: N connections, B bytes echoed"
//   and exits (0 if every connection ended cleanly, else 1). With --bypass
//   on this process's own stack over shm0's rings (tcp_path.h), listening
//   on shm0's address (10.0.3.15) only: the host reaches it through the
//   VMM's port forward (--shmem hostfwd=...).
//
// tcpecho [--bypass] [-c CONNS] ADDR PORT BYTES
//   Client: CONNS (default 1) connections in a row; on each it sends BYTES
//   bytes of the stream pattern (pattern.h), shuts down its write side, and
//   reads the echo until EOF, sending and receiving interleaved through
//   poll() so that neither side's buffers can fill up and deadlock. Every
//   byte is checked. Prints "tcpecho: N bytes intact" (N = BYTES * CONNS;
//   "tcpecho: C connections, N bytes intact" when CONNS > 1). With --bypass
//   through this process's own stack over shm0's rings (tcp_path.h).
//
// Exit status: 0 intact; 1 a call failed or timed out, or the echo fell
// short; 2 bad arguments; 3 connect failed with ECONNREFUSED (after the
// line "connect: ECONNREFUSED"); 4 the echo differed from what was sent.
#include "bypass_session.h"
#include "pattern.h"
#include "tcp_path.h"
#include "unet.h"

namespace {

constexpr size_t kChunk = 64 * 1024;
uint8_t g_send[kChunk];
uint8_t g_receive[kChunk];

// ---- server ----

// Echoes one connection until EOF: the byte count, or -errno (a stall of
// u::kStallTimeoutMs ends it).
long echo_connection(u::TcpPath& path, int fd) {
  long total = 0, r = path.prepare_reads(fd);
  while (r >= 0) {
    r = path.read_some(fd, g_receive, sizeof(g_receive));
    if (r <= 0) return r == 0 ? total : r;
    total += r;
    r = path.write_all(fd, g_receive, static_cast<size_t>(r));
  }
  return r;
}

int serve(u::TcpPath& path, uint16_t port, uint64_t count, bool limited) {
  long listener = path.listen(port, 16);
  if (listener < 0) {
    u::print_error("listen", listener);
    return u::kExitFailure;
  }
  u::printf("tcpecho: listening on port %u\n", port);
  uint64_t connections = 0, bytes = 0, failures = 0;
  while (!limited || connections < count) {
    long fd = path.accept(static_cast<int>(listener));
    if (fd < 0) {
      u::print_error("accept", fd);
      return u::kExitFailure;
    }
    long n = echo_connection(path, static_cast<int>(fd));
    if (n < 0) ++failures, u::print_error("tcpecho: connection", n);
    else bytes += static_cast<uint64_t>(n);
    path.close(static_cast<int>(fd));
    ++connections;
  }
  u::printf("tcpecho: %lu connections, %lu bytes echoed\n", connections, bytes);
  return failures ? u::kExitFailure : u::kExitOk;
}

int server_main(uint64_t port, uint64_t count, bool limited, bool bypass) {
  bypass::BypassNet* own_stack = nullptr;
  if (bypass && (own_stack = u::start_bypass("tcpecho")) == nullptr) return u::kExitFailure;
  u::TcpPath path(own_stack);
  int status = serve(path, static_cast<uint16_t>(port), count, limited);
  if (own_stack) own_stack->stop();
  return status;
}

// ---- client ----

struct Transfer {
  u::TcpPath& path;
  int fd;
  uint64_t bytes;
  uint64_t sent = 0, received = 0;
  bool eof = false;
};

// Sends what the socket takes now of the rest; shuts down the write side
// after the last byte.
long send_some(Transfer& t) {
  size_t n = t.bytes - t.sent < kChunk ? t.bytes - t.sent : kChunk;
  pattern::fill_stream(g_send, n, t.sent);
  long r = t.path.send_now(t.fd, g_send, n);
  if (r == -err::kAgain || r == -err::kIntr) return 0;
  if (r < 0) return r;
  t.sent += static_cast<uint64_t>(r);
  return t.sent == t.bytes ? t.path.shutdown_write(t.fd) : 0;
}

// Reads what has arrived and checks it: 0, -errno, or 1 if corrupt.
long receive_some(Transfer& t) {
  long r = t.path.receive_now(t.fd, g_receive, sizeof(g_receive));
  if (r == -err::kAgain || r == -err::kIntr) return 0;
  if (r < 0) return r;
  if (r == 0) t.eof = true;
  auto n = static_cast<size_t>(r);
  size_t good = pattern::check_stream(g_receive, n, t.received);
  if (good != n || t.received + n > t.bytes) {
    u::printf("tcpecho: echo differs at byte %lu\n", t.received + good);
    return 1;
  }
  t.received += n;
  return 0;
}

// One connection's exchange: an exit status.
int exchange(Transfer& t) {
  long r = t.bytes == 0 ? t.path.shutdown_write(t.fd) : 0;
  while (r == 0 && !t.eof) {
    bool sending = t.sent < t.bytes;
    long revents = t.path.wait(t.fd, net::kPollIn | (sending ? net::kPollOut : 0), u::kStallTimeoutMs);
    if ((r = revents < 0 ? revents : 0) < 0) break;
    r = (revents & net::kPollNval) ? -err::kBadF : 0;
    if (sending && (revents & (net::kPollOut | net::kPollErr))) r = send_some(t);
    if (r == 0 && (revents & (net::kPollIn | net::kPollHup | net::kPollErr))) r = receive_some(t);
  }
  if (r == 1) return u::kExitCorrupt;
  if (r < 0) {
    u::print_error("tcpecho", r);
    return u::kExitFailure;
  }
  if (t.received != t.bytes) {
    u::printf("tcpecho: only %lu of %lu bytes came back\n", t.received, t.bytes);
    return u::kExitFailure;
  }
  return u::kExitOk;
}

int echo_once(u::TcpPath& path, const u::SockAddrIn& to, uint64_t bytes) {
  long fd = path.connect(to);
  if (fd < 0) {
    u::print_error("connect", fd);
    return fd == -net::err::kConnRefused ? u::kExitRefused : u::kExitFailure;
  }
  Transfer t{path, static_cast<int>(fd), bytes};
  int status = exchange(t);
  path.close(t.fd);
  return status;
}

int client_main(uint64_t conns, bool bypass, int argc, char** argv) {
  uint32_t addr_be = 0;
  uint16_t port = 0;
  uint64_t bytes = 0;
  if (argc != 3 || !u::parse_ipv4(argv[0], &addr_be) || !u::parse_port(argv[1], &port) ||
      !u::parse_u64(argv[2], &bytes)) {
    u::dprintf(2, "usage: tcpecho [--bypass] -l PORT [-n COUNT] | tcpecho [--bypass] [-c CONNS] ADDR PORT BYTES\n");
    return u::kExitUsage;
  }
  u::SockAddrIn to = u::make_sockaddr_in(addr_be, port);
  bypass::BypassNet* own_stack = nullptr;
  if (bypass && (own_stack = u::start_bypass("tcpecho")) == nullptr) return u::kExitFailure;
  u::TcpPath path(own_stack);
  for (uint64_t i = 0; i < conns; ++i) {
    int status = echo_once(path, to, bytes);
    if (status != u::kExitOk) {
      if (conns > 1) u::printf("tcpecho: connection %lu of %lu failed\n", i + 1, conns);
      return status;
    }
  }
  if (own_stack) own_stack->stop();
  if (conns > 1) u::printf("tcpecho: %lu connections, %lu bytes intact\n", conns, conns * bytes);
  else u::printf("tcpecho: %lu bytes intact\n", bytes);
  return u::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t port = 0, count = 0, conns = 1;
  bool listen = false, limited = false, bypass = false;
  const u::NumericOption options[] = {
      {"-l", &port, &listen}, {"-n", &count, &limited}, {"-c", &conns}, {"--bypass", nullptr, &bypass}};
  int i = u::parse_options(argc, argv, options, 4);
  if (i < 0) return u::kExitUsage;
  if (!listen) return client_main(conns, bypass, argc - i, argv + i);
  if (i != argc || port > 65535) {
    u::dprintf(2, "usage: tcpecho [--bypass] -l PORT [-n COUNT]\n");
    return u::kExitUsage;
  }
  return server_main(port, count, limited, bypass);
}
