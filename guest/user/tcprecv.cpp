// tcprecv -l PORT
//
// Listens on 0.0.0.0:PORT (prints "tcprecv: listening on port P"), accepts
// one connection, reads it to EOF, closes it, and prints on two lines:
//
//     sha256 <64 lowercase hex digits> bytes <N>
//     tcprecv: N bytes in U us, M.MMM Mbit/s
//
// (the SHA-256 and count of the bytes received; time from accept() to
// EOF). Exit status: 0 read to EOF; 1 a call failed or the peer stalled
// for a minute; 2 bad arguments.
#include "sha256.h"
#include "unet.h"

namespace {

constexpr size_t kChunk = 64 * 1024;
uint8_t g_buffer[kChunk];

// Reads to EOF into the hash: the byte count, or -errno.
long receive_all(int fd, sha256::Hasher& hash) {
  long total = 0, r = u::set_timeout(fd, net::kSoRcvTimeo, u::kStallTimeoutMs);
  while (r >= 0) {
    r = u::recv(fd, g_buffer, sizeof(g_buffer), 0);
    if (r == -err::kIntr) {
      r = 0;
      continue;
    }
    if (r <= 0) return r == 0 ? total : r;
    hash.update(g_buffer, static_cast<size_t>(r));
    total += r;
  }
  return r;
}

int run(uint16_t port) {
  long listener = u::tcp_listen(port, 1);
  if (listener < 0) {
    u::print_error("listen", listener);
    return u::kExitFailure;
  }
  u::printf("tcprecv: listening on port %u\n", port);
  long fd = u::accept(static_cast<int>(listener), nullptr, nullptr);
  u::close(static_cast<int>(listener));
  if (fd < 0) {
    u::print_error("accept", fd);
    return u::kExitFailure;
  }
  uint64_t start = u::now_ns();
  sha256::Hasher hash;
  long bytes = receive_all(static_cast<int>(fd), hash);
  uint64_t elapsed = u::now_ns() - start;
  u::close(static_cast<int>(fd));
  if (bytes < 0) {
    u::print_error("recv", bytes);
    return u::kExitFailure;
  }
  char hex[sha256::kHexLen];
  hash.finish_hex(hex);
  u::printf("sha256 %s bytes %ld\n", hex, bytes);
  u::print_throughput("tcprecv", static_cast<uint64_t>(bytes), elapsed);
  return u::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  uint16_t port = 0;
  if (argc != 3 || !u::streq(argv[1], "-l") || !u::parse_port(argv[2], &port)) {
    u::dprintf(2, "usage: tcprecv -l PORT\n");
    return u::kExitUsage;
  }
  return run(port);
}
