// udpecho: UDP echo server and checking client.
//
// udpecho -l PORT [-n COUNT]
//   Server on 0.0.0.0:PORT: sends every datagram back to its sender. Prints
//   "udpecho: listening on port P" once bound. Runs forever, or exits 0
//   once COUNT datagrams were counted, with "udpecho: N datagrams echoed".
//   A datagram equal to the one just before it, from the same sender, is
//   echoed but not counted: it is a stop-and-wait client's retransmission,
//   and counting it would make the server stop before the client is done.
//
// udpecho [--bypass] [-w W] [-t TIMEOUT_MS] [-r RETRIES] [-m PHASE] ADDR PORT COUNT SIZE
//   Client: sends COUNT datagrams, seq 0..COUNT-1, with at most W (default
//   1, at most 64) awaiting their echo. SIZE is N or MIN-MAX; datagram seq
//   has MIN + seq % (MAX - MIN + 1) bytes of pattern::fill_datagram(seq).
//   A datagram without echo after TIMEOUT_MS (default 1000) is sent again,
//   at most RETRIES times (default 5). Every echo must come from ADDR:PORT
//   and match a datagram in length and content; echoes of datagrams
//   already answered (after a retransmission) are counted as duplicates.
//   Prints "udpecho: N sent, I intact, C corrupt, R retries" (and
//   ", D duplicates" when there were any). With -m PHASE, the round trips
//   after the first (which resolves ARP and warms up) form benchmark phase
//   PHASE: bench_mark(start|PHASE) once the first echo is in, and
//   bench_mark(end|PHASE) once the last is (abi/platform.h).
//   With --bypass the datagrams go through this process's own network
//   stack over shm0's rings (bypass_session.h): no system call between the
//   marks, and shm0's addresses (10.0.3.15, the host at 10.0.3.2).
//   Then "udpecho: kernel entries on cpu C after the first echo: S system
//   calls, I interrupts, E exceptions" (kernel_entries.h): the calling
//   CPU's ways into the kernel from the first echo to the last.
//
// Exit status: 0 when all came back intact; 1 on a failed call or a
// datagram that never came back; 2 for bad arguments; 4 if a reply was
// corrupt.
#include "abi/platform.h"
#include "bypass_session.h"
#include "kernel_entries.h"
#include "lib/format.h"
#include "lib/kstring.h"
#include "pattern.h"
#include "unet.h"

namespace {

constexpr size_t kMaxDatagram = 65507;  // 65535 - IPv4 header - UDP header
constexpr uint64_t kMaxWindow = 64;
// Datagram buffers (one more byte than a datagram can carry: a too-long
// echo shows). Static: the stack need not hold 128 KiB.
uint8_t g_receive[kMaxDatagram + 1];
uint8_t g_send[kMaxDatagram];

// ---- server ----

// The last datagram the server counted, to recognise a retransmission.
struct Previous {
  bool valid;
  u::SockAddrIn from;
  size_t size;
  uint8_t bytes[kMaxDatagram + 1];
};
Previous g_previous;

bool repeats_previous(const u::SockAddrIn& from, const uint8_t* data, size_t size) {
  const Previous& p = g_previous;
  return p.valid && p.size == size && memcmp(&p.from, &from, sizeof(from)) == 0 &&
         memcmp(p.bytes, data, size) == 0;
}

void remember(const u::SockAddrIn& from, const uint8_t* data, size_t size) {
  g_previous.valid = true;
  g_previous.from = from;
  g_previous.size = size;
  memcpy(g_previous.bytes, data, size);
}

int serve(uint16_t port, uint64_t count, bool limited) {
  long fd = u::udp_bind(port);
  if (fd < 0) {
    u::print_error("bind", fd);
    return u::kExitFailure;
  }
  u::printf("udpecho: listening on port %u\n", port);
  for (uint64_t counted = 0; !limited || counted < count;) {
    u::SockAddrIn from{};
    uint32_t from_len = sizeof(from);
    long n = u::recvfrom(static_cast<int>(fd), g_receive, sizeof(g_receive), 0, &from, &from_len);
    if (n < 0) {
      u::print_error("recvfrom", n);
      return u::kExitFailure;
    }
    size_t size = static_cast<size_t>(n);
    if (!repeats_previous(from, g_receive, size)) {
      remember(from, g_receive, size);
      ++counted;
    }
    long r = u::sendto(static_cast<int>(fd), g_receive, size, 0, &from, from_len);
    if (r < 0) {
      u::print_error("sendto", r);
      return u::kExitFailure;
    }
  }
  u::printf("udpecho: %lu datagrams echoed\n", count);
  return u::kExitOk;
}

// ---- client ----

struct Slot {  // one datagram awaiting its echo
  bool active;
  uint64_t seq;
  uint64_t sent_ns;
  uint64_t retries;
};

struct Client {
  bypass::BypassNet* own_stack;  // --bypass; nullptr: the kernel's sockets
  int fd;
  u::SockAddrIn to;
  uint64_t count, min_size, max_size, window, timeout_ms, max_retries;
  bool marks;  // -m given: bracket the round trips as a benchmark phase
  uint64_t phase;
  uint64_t next_seq = 0;  // the first never sent
  uint64_t intact = 0, corrupt = 0, retries = 0, duplicates = 0;
  Slot slots[kMaxWindow] = {};
};

uint64_t now_ns(const Client& c) { return c.own_stack ? u::bypass_now_ns() : u::now_ns(); }

long send_datagram(Client& c, size_t len) {
  if (c.own_stack) return c.own_stack->sendto(c.fd, g_send, len, 0, &c.to, u::kSockaddrInLen);
  return u::sendto(c.fd, g_send, len, 0, &c.to, u::kSockaddrInLen);
}

// One datagram, or -EAGAIN once timeout_ms passed without one.
long receive_datagram(Client& c, u::SockAddrIn* from, uint32_t* from_len) {
  if (!c.own_stack) return u::recvfrom(c.fd, g_receive, sizeof(g_receive), 0, from, from_len);
  int64_t n = c.own_stack->recvfrom_until(c.fd, g_receive, sizeof(g_receive), from, from_len,
                                          c.own_stack->deadline_after(c.timeout_ms * 1'000'000));
  return n == -net::err::kTimedOut ? -err::kAgain : n;
}

size_t size_of(const Client& c, uint64_t seq) {
  return c.min_size + seq % (c.max_size - c.min_size + 1);
}

long transmit(Client& c, Slot& s) {
  size_t len = size_of(c, s.seq);
  pattern::fill_datagram(g_send, len, s.seq);
  s.sent_ns = now_ns(c);
  return send_datagram(c, len);
}

// Puts the next seq into a free slot and sends it.
long start_next(Client& c, Slot& s) {
  s = {true, c.next_seq++, 0, 0};
  return transmit(c, s);
}

bool from_server(const Client& c, const u::SockAddrIn& from) {
  return from.addr_be == c.to.addr_be && from.port_be == c.to.port_be;
}

// Classifies one echo: intact (its slot then takes the next seq),
// duplicate of an earlier one, or corrupt.
long on_echo(Client& c, const uint8_t* data, size_t len) {
  for (Slot& s : c.slots) {
    if (s.active && size_of(c, s.seq) == len && pattern::datagram_matches(data, len, s.seq)) {
      ++c.intact;
      s.active = false;
      return c.next_seq < c.count ? start_next(c, s) : 0;
    }
  }
  uint64_t oldest = c.next_seq > 4 * kMaxWindow ? c.next_seq - 4 * kMaxWindow : 0;
  for (uint64_t seq = oldest; seq < c.next_seq; ++seq) {
    if (size_of(c, seq) == len && pattern::datagram_matches(data, len, seq)) {
      ++c.duplicates;
      return 0;
    }
  }
  if (c.corrupt++ == 0) u::printf("udpecho: corrupt echo of %zu bytes\n", len);
  return 0;
}

// Sends again what waited too long; -ETIMEDOUT when a datagram ran out of
// retries.
long retransmit_expired(Client& c) {
  uint64_t now = now_ns(c);
  for (Slot& s : c.slots) {
    if (!s.active || now - s.sent_ns < c.timeout_ms * 1'000'000) continue;
    if (s.retries == c.max_retries) {
      u::printf("udpecho: seq %lu: no echo after %lu retries\n", s.seq, s.retries);
      return -net::err::kTimedOut;
    }
    ++s.retries;
    ++c.retries;
    long r = transmit(c, s);
    if (r < 0) return r;
  }
  return 0;
}

long receive_one(Client& c) {
  u::SockAddrIn from{};
  uint32_t from_len = sizeof(from);
  long n = receive_datagram(c, &from, &from_len);
  if (n == -err::kAgain) return 0;  // timed out: time to look at the slots
  if (n < 0) return n;
  if (!from_server(c, from)) return 0;  // not ours
  return on_echo(c, g_receive, static_cast<size_t>(n));
}

long run_client(Client& c) {
  long r = c.own_stack ? 0 : u::set_timeout(c.fd, net::kSoRcvTimeo, c.timeout_ms);
  if (r < 0) return r;
  for (uint64_t i = 0; i < c.window && c.next_seq < c.count; ++i) {
    if ((r = start_next(c, c.slots[i])) < 0) return r;
  }
  bool phase_started = false;
  // From the first echo on (ARP and first touches of memory behind): how
  // often this CPU entered the kernel while echoing.
  u::KernelEntryCount entries;
  bool counting = false;
  while (c.intact < c.count) {
    if (c.marks && !phase_started && c.intact >= 1) {
      u::bench_mark(platform::kBenchMarkStart | static_cast<uint32_t>(c.phase));
      phase_started = true;
    }
    if (!counting && c.intact >= 1) counting = entries.start();
    if ((r = receive_one(c)) < 0) return r;
    if ((r = retransmit_expired(c)) < 0) return r;
  }
  if (counting) u::print_kernel_entries("udpecho", "after the first echo", entries, entries.stop());
  if (c.marks) {
    if (!phase_started) u::bench_mark(platform::kBenchMarkStart | static_cast<uint32_t>(c.phase));
    u::bench_mark(platform::kBenchMarkEnd | static_cast<uint32_t>(c.phase));
  }
  return 0;
}

bool parse_size(const char* s, uint64_t* min, uint64_t* max) {
  char first[24];
  size_t i = 0;
  while (s[i] && s[i] != '-' && i + 1 < sizeof(first)) first[i] = s[i], ++i;
  first[i] = '\0';
  if (!u::parse_u64(first, min)) return false;
  if (s[i] == '\0') *max = *min;
  else if (s[i] != '-' || !u::parse_u64(s + i + 1, max)) return false;
  return *min <= *max && *max <= kMaxDatagram;
}

void print_summary(const Client& c) {
  char duplicates[40] = "";
  if (c.duplicates) snformat(duplicates, sizeof(duplicates), ", %lu duplicates", c.duplicates);
  u::printf("udpecho: %lu sent, %lu intact, %lu corrupt, %lu retries%s\n", c.next_seq, c.intact,
            c.corrupt, c.retries, duplicates);
}

int client_usage() {
  u::dprintf(2, "usage: udpecho -l PORT [-n COUNT] | udpecho [--bypass] [-w W] [-t TIMEOUT_MS] "
                "[-r RETRIES] [-m PHASE] ADDR PORT COUNT SIZE|MIN-MAX\n");
  return u::kExitUsage;
}

int client_main(Client& c, bool bypass, int argc, char** argv) {
  uint32_t addr_be = 0;
  uint16_t port = 0;
  if (argc != 4 || !u::parse_ipv4(argv[0], &addr_be) || !u::parse_port(argv[1], &port) ||
      !u::parse_u64(argv[2], &c.count) || !parse_size(argv[3], &c.min_size, &c.max_size) ||
      c.window == 0 || c.window > kMaxWindow || c.phase > platform::kBenchMarkPhaseMask) {
    return client_usage();
  }
  c.to = u::make_sockaddr_in(addr_be, port);
  if (bypass && (c.own_stack = u::start_bypass("udpecho")) == nullptr) return u::kExitFailure;
  long fd = c.own_stack ? c.own_stack->socket(net::kAfInet, net::kSockDgram, 0)
                        : u::socket(net::kAfInet, net::kSockDgram, 0);
  if (fd < 0) {
    u::print_error("socket", fd);
    return u::kExitFailure;
  }
  c.fd = static_cast<int>(fd);
  long r = run_client(c);
  if (r < 0 && r != -net::err::kTimedOut) u::print_error("udpecho", r);
  print_summary(c);
  if (c.own_stack) {
    c.own_stack->close(c.fd);
    c.own_stack->stop();
  } else {
    u::close(c.fd);
  }
  if (c.corrupt) return u::kExitCorrupt;
  return r < 0 ? u::kExitFailure : u::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t port = 0, count = 0;
  bool listen = false, limited = false, bypass = false;
  Client c{};
  c.window = 1;
  c.timeout_ms = 1000;
  c.max_retries = 5;
  const u::NumericOption options[] = {{"-l", &port, &listen},
                                      {"-n", &count, &limited},
                                      {"-w", &c.window},
                                      {"-t", &c.timeout_ms},
                                      {"-r", &c.max_retries},
                                      {"-m", &c.phase, &c.marks},
                                      {"--bypass", nullptr, &bypass}};
  int i = u::parse_options(argc, argv, options, 7);
  if (i < 0) return u::kExitUsage;
  if (!listen) return client_main(c, bypass, argc - i, argv + i);
  if (i != argc || port > 65535) return client_usage();
  return serve(static_cast<uint16_t>(port), count, limited);
}
