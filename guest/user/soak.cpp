// soak: UDP and TCP traffic on every given path at once, for a while, with
// every datagram and byte checked and accounted for.
//
// soak [-s SECONDS] PEER UDP_PORT TCP_PORT [PEER UDP_PORT TCP_PORT]...
//
//   For each PEER (one per path: 10.0.2.2 over virtio-net, 10.0.3.2 over
//   shm0), two threads for SECONDS (default 10): one sends UDP datagrams of
//   10..1400 bytes to PEER:UDP_PORT and waits up to a second for each echo
//   (the peer of abi/netbench.h echoes datagrams whose first byte is 'E');
//   one streams the byte pattern of pattern.h through an echo connection to
//   PEER:TCP_PORT in chunks of 1..16384 bytes and checks what comes back.
//   The threads spread over the CPUs (the scheduler places them).
//
// Prints, for each path,
//   soak: PEER udp sent S echoed E lost L late T corrupt C
//   soak: PEER tcp sent B echoed B corrupt C
// (a lost datagram is one whose echo did not come within a second; a late
// one came after that), and the kernel's free page frames after the
// warm-up and at the end:
//   soak: free frames start F0 end F1
// Exit status: 0 if nothing came back corrupt and TCP echoed every byte;
// 1 otherwise (or on a failed call); 2 for bad arguments.
#include "lib/kstring.h"
#include "pattern.h"
#include "uapi/abi.h"
#include "unet.h"

namespace {

constexpr int kMaxPaths = 4;
constexpr size_t kMaxDatagram = 1400;
constexpr size_t kMaxChunk = 16384;
constexpr uint64_t kUdpTimeoutMs = 1000;

// Lives in static storage (zeroed; user programs have no constructors).
struct Path {
  char name[u::kSockaddrTextLen];
  u::SockAddrIn udp, tcp;
  // Written by the path's own threads, read by main after the joins.
  uint64_t udp_sent, udp_echoed, udp_lost, udp_late, udp_corrupt;
  uint64_t tcp_sent, tcp_echoed, tcp_corrupt;
  long error;
  uint8_t udp_out[kMaxDatagram], udp_in[kMaxDatagram + 1];
  uint8_t tcp_out[kMaxChunk], tcp_in[kMaxChunk];
};

Path g_paths[kMaxPaths];
volatile bool g_stop = false;

bool stopping() { return __atomic_load_n(&g_stop, __ATOMIC_ACQUIRE); }

// 'E' (echo me), the sequence number, then the pattern.
size_t make_datagram(uint8_t* buf, uint64_t seq) {
  size_t n = 10 + seq * 7919 % (kMaxDatagram - 10 + 1);
  buf[0] = 'E';
  memcpy(buf + 1, &seq, sizeof seq);
  pattern::fill_stream(buf + 9, n - 9, pattern::datagram_index(seq, 9));
  return n;
}

// The sequence number of an intact echo, or -1 for a corrupt one.
int64_t echo_seq(const uint8_t* buf, size_t n) {
  uint64_t seq = 0;
  if (n < 10) return -1;
  memcpy(&seq, buf + 1, sizeof seq);
  if (n != 10 + seq * 7919 % (kMaxDatagram - 10 + 1) || buf[0] != 'E') return -1;
  return pattern::check_stream(buf + 9, n - 9, pattern::datagram_index(seq, 9)) == n - 9
             ? static_cast<int64_t>(seq) : -1;
}

// Waits for the echo of `seq`; earlier ones arriving now count as late.
void await_echo(Path& p, int fd, uint64_t seq) {
  for (;;) {
    long n = u::recv(fd, p.udp_in, sizeof p.udp_in, 0);
    if (n == -net::err::kAgain) {  // SO_RCVTIMEO: a second without it
      ++p.udp_lost;
      return;
    }
    if (n < 0) {
      p.error = n;
      return;
    }
    int64_t got = echo_seq(p.udp_in, static_cast<size_t>(n));
    if (got < 0) ++p.udp_corrupt;
    else if (static_cast<uint64_t>(got) == seq) return (void)++p.udp_echoed;
    else if (static_cast<uint64_t>(got) < seq) ++p.udp_late;
  }
}

long udp_worker(void* arg) {
  Path& p = *static_cast<Path*>(arg);
  long fd = u::socket(net::kAfInet, net::kSockDgram, 0);
  if (fd < 0) return p.error = fd;
  long r = u::connect(static_cast<int>(fd), &p.udp, u::kSockaddrInLen);
  if (r == 0) r = u::set_timeout(static_cast<int>(fd), net::kSoRcvTimeo, kUdpTimeoutMs);
  for (uint64_t seq = 0; r == 0 && !stopping() && p.error == 0; ++seq) {
    size_t n = make_datagram(p.udp_out, seq);
    r = u::send(static_cast<int>(fd), p.udp_out, n, 0);
    if (r < 0) break;
    ++p.udp_sent;
    r = 0;
    await_echo(p, static_cast<int>(fd), seq);
  }
  if (r < 0) p.error = r;
  u::close(static_cast<int>(fd));
  return 0;
}

long tcp_worker(void* arg) {
  Path& p = *static_cast<Path*>(arg);
  long fd = u::tcp_connect(p.tcp);
  if (fd < 0) return p.error = fd;
  int s = static_cast<int>(fd);
  uint8_t mode = 'E';
  long r = u::write_all(s, &mode, 1);
  if (r == 0) r = u::set_timeout(s, net::kSoRcvTimeo, u::kStallTimeoutMs);
  for (uint64_t chunk = 0; r == 0 && !stopping(); ++chunk) {
    size_t n = 1 + chunk * 4099 % kMaxChunk;
    pattern::fill_stream(p.tcp_out, n, p.tcp_sent);
    if ((r = u::write_all(s, p.tcp_out, n)) < 0) break;
    p.tcp_sent += n;
    long got = u::read_exact(s, p.tcp_in, n);
    if (got < 0) r = got;
    if (got != static_cast<long>(n)) break;
    if (pattern::check_stream(p.tcp_in, n, p.tcp_echoed) != n) ++p.tcp_corrupt;
    p.tcp_echoed += n;
  }
  if (r < 0) p.error = r;
  u::close(s);
  return 0;
}

bool parse_path(Path& p, char** words) {
  uint32_t addr = 0;
  uint16_t udp = 0, tcp = 0;
  if (!u::parse_ipv4(words[0], &addr) || !u::parse_port(words[1], &udp) || !u::parse_port(words[2], &tcp))
    return false;
  p.udp = u::make_sockaddr_in(addr, udp);
  p.tcp = u::make_sockaddr_in(addr, tcp);
  u::format_sockaddr(u::make_sockaddr_in(addr, 0), p.name, sizeof p.name);
  for (char* c = p.name; *c; ++c)
    if (*c == ':') *c = '\0';  // "a.b.c.d:0" -> "a.b.c.d"
  return true;
}

bool report(const Path& p) {
  u::printf("soak: %s udp sent %lu echoed %lu lost %lu late %lu corrupt %lu\n", p.name, p.udp_sent, p.udp_echoed,
            p.udp_lost, p.udp_late, p.udp_corrupt);
  u::printf("soak: %s tcp sent %lu echoed %lu corrupt %lu\n", p.name, p.tcp_sent, p.tcp_echoed, p.tcp_corrupt);
  if (p.error) u::print_error(p.name, p.error);
  return p.error == 0 && p.udp_corrupt == 0 && p.tcp_corrupt == 0 && p.tcp_echoed == p.tcp_sent &&
         p.udp_echoed > 0 && p.tcp_echoed > 0;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t seconds = 10;
  const u::NumericOption options[] = {{"-s", &seconds}};
  int i = u::parse_options(argc, argv, options, 1);
  int words = argc - i;
  int paths = words / 3;
  if (i < 0 || words == 0 || words % 3 != 0 || paths > kMaxPaths) {
    u::dprintf(2, "usage: soak [-s SECONDS] PEER UDP_PORT TCP_PORT [PEER UDP_PORT TCP_PORT]...\n");
    return u::kExitUsage;
  }
  for (int k = 0; k < paths; ++k)
    if (!parse_path(g_paths[k], argv + i + 3 * k)) {
      u::dprintf(2, "soak: bad path '%s %s %s'\n", argv[i + 3 * k], argv[i + 3 * k + 1], argv[i + 3 * k + 2]);
      return u::kExitUsage;
    }
  u::Thread threads[2 * kMaxPaths];
  for (int k = 0; k < paths; ++k) {
    if (u::thread_start(&threads[2 * k], udp_worker, &g_paths[k]) != 0 ||
        u::thread_start(&threads[2 * k + 1], tcp_worker, &g_paths[k]) != 0) {
      u::dprintf(2, "soak: cannot start threads\n");
      return u::kExitFailure;
    }
  }
  // The sockets, stacks and first segments are allocated by now: from here
  // on the kernel's free memory must stay where it is.
  u::sleep_ns(500'000'000);
  long free_start = u::kdebug(uabi::kKdebugFreeFrames);
  u::printf("soak: %d paths, %lu s\n", paths, seconds);
  u::sleep_ns(seconds * 1'000'000'000ull);
  __atomic_store_n(&g_stop, true, __ATOMIC_RELEASE);
  for (int k = 0; k < 2 * paths; ++k) u::thread_join(&threads[k], nullptr);
  long free_end = u::kdebug(uabi::kKdebugFreeFrames);
  bool ok = true;
  for (int k = 0; k < paths; ++k) ok = report(g_paths[k]) && ok;
  u::printf("soak: free frames start %ld end %ld\n", free_start, free_end);
  return ok ? u::kExitOk : u::kExitFailure;
}
