// netbench: one network call at a time, N times each, between benchmark
// marks, so `vmm-bench exits` can count the VM exits each call causes.
//
// netbench [--bypass] [-n N] [-b BATCH] [-a ACCEPT_PORT] [-p PHASE] [-m 0|1] PEER UDP_PORT TCP_PORT
//
//   PEER:UDP_PORT and PEER:TCP_PORT are the host peer (abi/netbench.h has
//   its protocol). N (default 100) calls of each phase; calls that need a
//   socket each are made in intervals of at most BATCH (default 64). With
//   -a, the peer reaches the guest's ACCEPT_PORT (a port forward) and the
//   accept phase runs; without, it is skipped. -p runs one phase only
//   (after the marks-only phase, whose intervals price a pair of marks).
//   -m 0 writes no marks (for the whole-run subtraction method: run with N
//   and with 0 and subtract).
//
//   --bypass: every phase runs over this process's own network stack on
//   shm0's rings (bypass_session.h; shm0's addresses: 10.0.3.15, the host
//   at 10.0.3.2, the accept port is the own stack's), not the kernel's
//   sockets, with no system call in an interval but its two marks: the
//   clock is the TSC, and a call that would block spins the stack's poll()
//   until done or kReplyTimeoutMs (net_calls.h). Prints the session's line
//   ("netbench: --bypass: shm0 at ...") first. One code path for both: the
//   phases make their calls through u::NetCalls.
//
// Each phase: its intervals (abi/netbench.h), then an idle interval as long
// as they were together: the kernel path sleeps in it; with --bypass it
// spins the stack's poll(), as a bypass process does in its steady state,
// so that the twin measures the background of that state. Prints one line a
// phase, "netbench: NAME: N calls, U us per call" (guest clock, marks
// included), then "netbench: done".
// Exit status: 0 done; 1 a call failed or the peer did not answer; 2 bad
// arguments.
#include "abi/netbench.h"
#include "abi/platform.h"
#include "bypass_session.h"
#include "net_calls.h"
#include "unet.h"

namespace {

using namespace platform;

constexpr uint64_t kMaxBatch = 128;  // fds held at once stay well under kMaxFds
constexpr int kReplyTimeoutMs = 5000;
constexpr int kReplyAttempts = 3;
constexpr size_t kBig = 16 * 1024;

uint8_t g_send[kBig];
uint8_t g_receive[kBig + 1];

struct Bench {
  u::NetCalls net{nullptr, kReplyTimeoutMs};  // the kernel's sockets, or --bypass's own stack
  uint64_t n = 100, batch = 64, accept_port = 0, only = 0, marks = 1;
  bool accept = false, one_phase = false;
  u::SockAddrIn udp_peer{}, tcp_peer{};
  int udp_echo = -1;      // connected to the peer's UDP port
  int tcp_echo = -1;      // a TCP connection in echo mode
  int tcp_sink = -1;      // a TCP connection in sink mode
  int tcp_source = -1;    // a TCP connection the peer keeps sending on
  int unconnected = -1;   // a UDP socket for sendto/recvfrom/sendmsg/recvmsg
  int listener = -1;      // listening on accept_port
  int fds[kMaxBatch] = {};
  uint16_t phase = 0;
  uint64_t phase_ns = 0;  // sum of this phase's intervals, guest clock
  uint64_t interval_start = 0;
};

// A failed call ends the program: the phase's figures would be wrong.
[[noreturn]] void fail(const Bench& b, const char* what, long err) {
  const NetbenchPhaseInfo* p = netbench_phase(b.phase);
  u::dprintf(2, "netbench: %s: ", p ? p->name : "setup");
  u::print_error(what, err);
  u::exit(u::kExitFailure);
}

long check(const Bench& b, const char* what, long r) {
  if (r < 0) fail(b, what, r);
  return r;
}

void expect_length(const Bench& b, const char* what, long r, size_t want) {
  check(b, what, r);
  if (static_cast<size_t>(r) == want) return;
  const NetbenchPhaseInfo* p = netbench_phase(b.phase);
  u::dprintf(2, "netbench: %s: %s: %ld bytes, expected %zu\n", p ? p->name : "setup", what, r, want);
  u::exit(u::kExitFailure);
}

void begin(Bench& b) {
  if (b.marks) u::bench_mark(kBenchMarkStart | b.phase);
  b.interval_start = b.net.now_ns();
}

void end(Bench& b) {
  b.phase_ns += b.net.now_ns() - b.interval_start;
  if (b.marks) u::bench_mark(kBenchMarkEnd | b.phase);
}

// ---- setup pieces (outside the intervals) ----

int new_socket(Bench& b, int type) {
  return static_cast<int>(check(b, "socket", b.net.socket(type)));
}

void make_sockets(Bench& b, uint64_t k, int type) {
  for (uint64_t i = 0; i < k; ++i) b.fds[i] = new_socket(b, type);
}

void close_sockets(Bench& b, uint64_t k) {
  for (uint64_t i = 0; i < k; ++i) check(b, "close", b.net.close(b.fds[i]));
}

void wait_readable(Bench& b, int fd) {
  long r = check(b, "poll", b.net.poll_one(fd, net::kPollIn, kReplyTimeoutMs));
  if (r == 0) fail(b, "poll (no reply from the peer)", -net::err::kTimedOut);
}

// Asks the peer to echo a datagram of `size` bytes (first byte `request`)
// and waits until the echo is queued; retries a datagram lost on the way.
void request_datagram(Bench& b, int fd, size_t size, uint8_t request, const u::SockAddrIn* to) {
  g_send[0] = request;
  for (int attempt = 0; attempt < kReplyAttempts; ++attempt) {
    long r = to ? b.net.sendto(fd, g_send, size, 0, to, u::kSockaddrInLen) : b.net.send(fd, g_send, size, 0);
    expect_length(b, "send (request)", r, size);
    if (check(b, "poll", b.net.poll_one(fd, net::kPollIn, kReplyTimeoutMs)) > 0) return;
  }
  fail(b, "no echo from the peer", -net::err::kTimedOut);
}

int tcp_connection(Bench& b, uint8_t mode) {
  int fd = static_cast<int>(check(b, "connect tcp", b.net.tcp_connect(b.tcp_peer)));
  expect_length(b, "send (mode byte)", b.net.send(fd, &mode, 1, net::kMsgNoSignal), 1);
  check(b, "SO_RCVTIMEO", b.net.set_receive_timeout(fd, u::kStallTimeoutMs));
  return fd;
}

// ---- phase drivers ----

// Calls `call(i)` N times in intervals of at most `batch`, with `setup(k)`
// and `teardown(k)` around each interval, outside it.
template <typename Setup, typename Call, typename Teardown>
void batched(Bench& b, Setup setup, Call call, Teardown teardown) {
  for (uint64_t done = 0; done < b.n;) {
    uint64_t k = b.n - done < b.batch ? b.n - done : b.batch;
    setup(k);
    begin(b);
    for (uint64_t i = 0; i < k; ++i) call(i);
    end(b);
    teardown(k);
    done += k;
  }
}

template <typename Call>
void batched(Bench& b, Call call) {
  batched(b, [](uint64_t) {}, call, [](uint64_t) {});
}

// One call an interval, each after its own setup: for calls that need
// something to have arrived first.
template <typename Setup, typename Call>
void one_by_one(Bench& b, Setup setup, Call call) {
  for (uint64_t i = 0; i < b.n; ++i) {
    setup();
    begin(b);
    call();
    end(b);
  }
}

void phase_marks_only(Bench& b) {
  one_by_one(b, [] {}, [] {});
}

void phase_socket(Bench& b) {
  batched(
      b, [](uint64_t) {}, [&](uint64_t i) { b.fds[i] = new_socket(b, net::kSockDgram); },
      [&](uint64_t k) { close_sockets(b, k); });
}

void phase_bind(Bench& b) {
  u::SockAddrIn any = u::make_sockaddr_in(0, 0);
  batched(
      b, [&](uint64_t k) { make_sockets(b, k, net::kSockDgram); },
      [&](uint64_t i) { check(b, "bind", b.net.bind(b.fds[i], &any, u::kSockaddrInLen)); },
      [&](uint64_t k) { close_sockets(b, k); });
}

void phase_listen(Bench& b) {
  u::SockAddrIn any = u::make_sockaddr_in(0, 0);
  batched(
      b,
      [&](uint64_t k) {
        make_sockets(b, k, net::kSockStream);
        for (uint64_t i = 0; i < k; ++i) check(b, "bind", b.net.bind(b.fds[i], &any, u::kSockaddrInLen));
      },
      [&](uint64_t i) { check(b, "listen", b.net.listen(b.fds[i], 4)); },
      [&](uint64_t k) { close_sockets(b, k); });
}

void phase_connect_udp(Bench& b) {
  batched(
      b, [&](uint64_t k) { make_sockets(b, k, net::kSockDgram); },
      [&](uint64_t i) { check(b, "connect", b.net.connect(b.fds[i], &b.udp_peer, u::kSockaddrInLen)); },
      [&](uint64_t k) { close_sockets(b, k); });
}

void phase_connect_tcp(Bench& b) {
  batched(
      b, [&](uint64_t k) { make_sockets(b, k, net::kSockStream); },
      [&](uint64_t i) { check(b, "connect", b.net.connect(b.fds[i], &b.tcp_peer, u::kSockaddrInLen)); },
      [&](uint64_t k) { close_sockets(b, k); });
}

// Each accepted connection is closed in the next iteration's setup (the
// last one after the loop), outside the intervals.
void phase_accept(Bench& b) {
  int accepted = -1;
  auto close_accepted = [&] {
    if (accepted >= 0) check(b, "close", b.net.close(accepted));
    accepted = -1;
  };
  one_by_one(
      b,
      [&] {
        close_accepted();
        request_datagram(b, b.udp_echo, 64, kPeerOpenConnection, nullptr);
        expect_length(b, "recv (request echo)", b.net.recv(b.udp_echo, g_receive, 64, 0), 64);
        wait_readable(b, b.listener);
      },
      [&] { accepted = static_cast<int>(check(b, "accept", b.net.accept(b.listener, nullptr, nullptr))); });
  close_accepted();
}

void phase_send(Bench& b, int fd, size_t size) {
  g_send[0] = kPeerSink;
  batched(b, [&](uint64_t) {
    expect_length(b, "send", b.net.send(fd, g_send, size, net::kMsgNoSignal), size);
  });
}

void phase_recv_udp(Bench& b, size_t size) {
  one_by_one(
      b, [&] { request_datagram(b, b.udp_echo, size, kPeerEcho, nullptr); },
      [&] { expect_length(b, "recv", b.net.recv(b.udp_echo, g_receive, sizeof g_receive, 0), size); });
}

void phase_recv_tcp(Bench& b, size_t size) {
  one_by_one(
      b,
      [&] {
        check(b, "send (request)", b.net.write_all(b.tcp_echo, g_send, size));
        wait_readable(b, b.tcp_echo);
      },
      [&] {
        expect_length(b, "recv", b.net.recv(b.tcp_echo, g_receive, size, net::kMsgWaitAll), size);
      });
}

void phase_round_trip(Bench& b) {
  g_send[0] = kPeerEcho;
  one_by_one(
      b, [] {},
      [&] {
        expect_length(b, "send", b.net.send(b.udp_echo, g_send, 64, 0), 64);
        expect_length(b, "recv", b.net.recv(b.udp_echo, g_receive, sizeof g_receive, 0), 64);
      });
}

void phase_recv_stream(Bench& b) {
  batched(b, [&](uint64_t) {
    expect_length(b, "recv", b.net.recv(b.tcp_source, g_receive, kBig, net::kMsgWaitAll), kBig);
  });
}

void phase_sendto(Bench& b) {
  g_send[0] = kPeerSink;
  batched(b, [&](uint64_t) {
    expect_length(b, "sendto",
                  b.net.sendto(b.unconnected, g_send, 64, 0, &b.udp_peer, u::kSockaddrInLen), 64);
  });
}

void phase_recvfrom(Bench& b) {
  one_by_one(
      b, [&] { request_datagram(b, b.unconnected, 64, kPeerEcho, &b.udp_peer); },
      [&] {
        u::SockAddrIn from{};
        uint32_t len = sizeof from;
        long r = b.net.recvfrom(b.unconnected, g_receive, sizeof g_receive, 0, &from, &len);
        expect_length(b, "recvfrom", r, 64);
      });
}

// Two iovecs of 32 bytes each over buffer `base`.
struct TwoPieces {
  u::IoVec iov[2];
  u::MsgHdr msg;
  TwoPieces(uint8_t* base, u::SockAddrIn* name) : iov{{base, 32}, {base + 32, 32}}, msg{} {
    msg.name = name;
    msg.namelen = name ? u::kSockaddrInLen : 0;
    msg.iov = iov;
    msg.iovlen = 2;
  }
};

void phase_sendmsg(Bench& b) {
  g_send[0] = kPeerSink;
  TwoPieces m(g_send, &b.udp_peer);
  batched(b, [&](uint64_t) { expect_length(b, "sendmsg", b.net.sendmsg(b.unconnected, &m.msg, 0), 64); });
}

void phase_recvmsg(Bench& b) {
  u::SockAddrIn from{};
  one_by_one(
      b, [&] { request_datagram(b, b.unconnected, 64, kPeerEcho, &b.udp_peer); },
      [&] {
        TwoPieces m(g_receive, &from);
        expect_length(b, "recvmsg", b.net.recvmsg(b.unconnected, &m.msg, 0), 64);
      });
}

void phase_sockopt(Bench& b, bool set) {
  int value = 64 * 1024;
  batched(b, [&](uint64_t) {
    if (set) {
      check(b, "setsockopt", b.net.setsockopt(b.unconnected, net::kSolSocket, net::kSoRcvBuf, &value, 4));
    } else {
      uint32_t len = sizeof value;
      check(b, "getsockopt", b.net.getsockopt(b.unconnected, net::kSolSocket, net::kSoRcvBuf, &value, &len));
    }
  });
}

void phase_poll(Bench& b) {
  batched(b, [&](uint64_t) {
    check(b, "poll", b.net.poll_one(b.unconnected, net::kPollIn, 0));
  });
}

void phase_shutdown(Bench& b) {
  batched(
      b, [&](uint64_t k) { for (uint64_t i = 0; i < k; ++i) b.fds[i] = tcp_connection(b, kPeerSink); },
      [&](uint64_t i) { check(b, "shutdown", b.net.shutdown(b.fds[i], net::kShutWr)); },
      [&](uint64_t k) { close_sockets(b, k); });
}

void phase_close(Bench& b) {
  batched(
      b, [&](uint64_t k) { make_sockets(b, k, net::kSockDgram); },
      [&](uint64_t i) { check(b, "close", b.net.close(b.fds[i])); }, [](uint64_t) {});
}

void run_phase_body(Bench& b) {
  switch (b.phase) {
    case kPhaseMarkOnly: return phase_marks_only(b);
    case kPhaseSocket: return phase_socket(b);
    case kPhaseBind: return phase_bind(b);
    case kPhaseListen: return phase_listen(b);
    case kPhaseConnectUdp: return phase_connect_udp(b);
    case kPhaseConnectTcp: return phase_connect_tcp(b);
    case kPhaseAccept: return phase_accept(b);
    case kPhaseSendUdp64: return phase_send(b, b.udp_echo, 64);
    case kPhaseRecvUdp64: return phase_recv_udp(b, 64);
    case kPhaseSendUdp1400: return phase_send(b, b.udp_echo, 1400);
    case kPhaseRecvUdp1400: return phase_recv_udp(b, 1400);
    case kPhaseSendTcp64: return phase_send(b, b.tcp_sink, 64);
    case kPhaseRecvTcp64: return phase_recv_tcp(b, 64);
    case kPhaseSendTcp16k: return phase_send(b, b.tcp_sink, kBig);
    case kPhaseRecvTcp16k: return phase_recv_tcp(b, kBig);
    case kPhaseSendto: return phase_sendto(b);
    case kPhaseRecvfrom: return phase_recvfrom(b);
    case kPhaseSendmsg: return phase_sendmsg(b);
    case kPhaseRecvmsg: return phase_recvmsg(b);
    case kPhaseSetsockopt: return phase_sockopt(b, true);
    case kPhaseGetsockopt: return phase_sockopt(b, false);
    case kPhasePoll: return phase_poll(b);
    case kPhaseShutdown: return phase_shutdown(b);
    case kPhaseClose: return phase_close(b);
    case kPhaseRoundTripUdp64: return phase_round_trip(b);
    case kPhaseRecvTcpStream16k: return phase_recv_stream(b);
  }
}

// Runs phase `id`, prints its line, then marks its idle twin.
void run_phase(Bench& b, uint16_t id) {
  b.phase = id;
  b.phase_ns = 0;
  run_phase_body(b);
  const NetbenchPhaseInfo* p = netbench_phase(id);
  uint64_t per_call_ns = b.n ? b.phase_ns / b.n : 0;
  u::printf("netbench: %s: %lu calls, %lu.%03lu us per call\n", p->name, b.n, per_call_ns / 1000,
            per_call_ns % 1000);
  if (!b.marks) return;
  // The background: the same length of doing nothing (with --bypass, of
  // polling the rings).
  b.phase = id | kNetbenchIdleFlag;
  u::bench_mark(kBenchMarkStart | b.phase);
  check(b, "poll (idle)", b.net.idle(b.phase_ns));
  u::bench_mark(kBenchMarkEnd | b.phase);
}

// Sockets every phase shares, connected once, and a round trip on each so
// that ARP and the peer's connection setup happen before any interval.
void set_up(Bench& b) {
  b.udp_echo = new_socket(b, net::kSockDgram);
  check(b, "connect udp", b.net.connect(b.udp_echo, &b.udp_peer, u::kSockaddrInLen));
  // A round trip whose datagram is lost fails the run instead of hanging it.
  check(b, "SO_RCVTIMEO", b.net.set_receive_timeout(b.udp_echo, kReplyTimeoutMs));
  request_datagram(b, b.udp_echo, 64, kPeerEcho, nullptr);
  expect_length(b, "recv (warm-up)", b.net.recv(b.udp_echo, g_receive, sizeof g_receive, 0), 64);
  b.unconnected = new_socket(b, net::kSockDgram);
  b.tcp_echo = tcp_connection(b, kPeerEcho);
  b.tcp_sink = tcp_connection(b, kPeerSink);
  b.tcp_source = tcp_connection(b, kPeerSource);
  for (size_t i = 1; i < sizeof g_send; ++i) g_send[i] = static_cast<uint8_t>(i * 131);
  if (b.accept) {
    b.listener = static_cast<int>(check(b, "listen", b.net.tcp_listen(static_cast<uint16_t>(b.accept_port), 8)));
  }
}

// With -p, the marks-only phase still runs first: its intervals give the
// cost of a pair of marks that the phase's latencies are corrected by.
bool phase_wanted(const Bench& b, uint16_t id) {
  if (b.one_phase) return id == b.only || (id == kPhaseMarkOnly && b.marks);
  return id != kPhaseAccept || b.accept;
}

int usage() {
  u::dprintf(2, "usage: netbench [--bypass] [-n N] [-b BATCH] [-a ACCEPT_PORT] [-p PHASE] [-m 0|1] "
                "PEER UDP_PORT TCP_PORT\n");
  return u::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  Bench b;
  bool bypass = false;
  const u::NumericOption options[] = {{"-n", &b.n},
                                      {"-b", &b.batch},
                                      {"-a", &b.accept_port, &b.accept},
                                      {"-p", &b.only, &b.one_phase},
                                      {"-m", &b.marks},
                                      {"--bypass", nullptr, &bypass}};
  int i = u::parse_options(argc, argv, options, 6);
  uint32_t peer_be = 0;
  uint16_t udp_port = 0, tcp_port = 0;
  if (i < 0 || argc - i != 3 || !u::parse_ipv4(argv[i], &peer_be) || !u::parse_port(argv[i + 1], &udp_port) ||
      !u::parse_port(argv[i + 2], &tcp_port) || b.batch == 0 || b.batch > kMaxBatch || b.marks > 1 ||
      b.accept_port > 65535 || (b.one_phase && !netbench_phase(static_cast<uint16_t>(b.only))) ||
      (b.one_phase && b.only == kPhaseAccept && !b.accept)) {
    return usage();
  }
  b.udp_peer = u::make_sockaddr_in(peer_be, udp_port);
  b.tcp_peer = u::make_sockaddr_in(peer_be, tcp_port);
  u::set_affinity(1);  // the calling vCPU is vCPU 0 in every phase (and reads its TSC)
  bypass::BypassNet* own_stack = nullptr;
  if (bypass && (own_stack = u::start_bypass("netbench")) == nullptr) return u::kExitFailure;
  b.net = u::NetCalls(own_stack, kReplyTimeoutMs);
  u::printf("netbench: %lu calls a phase, batch %lu, peer %s udp %u tcp %u, accept port %lu%s%s\n", b.n,
            b.batch, argv[i], udp_port, tcp_port, b.accept_port, b.accept ? "" : " (off)",
            own_stack ? ", own stack (--bypass)" : "");
  set_up(b);
  for (const auto& p : kNetbenchPhases)
    if (phase_wanted(b, p.id)) run_phase(b, p.id);
  if (own_stack) own_stack->stop();  // tells the host this side stopped
  u::printf("netbench: done\n");
  return u::kExitOk;
}
