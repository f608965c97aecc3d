// tcprecv [--bypass] -l PORT
//
// Listens on 0.0.0.0:PORT (prints "tcprecv: listening on port P"), accepts
// one connection, reads it to EOF, closes it, and prints on two lines:
//
//     sha256 <64 lowercase hex digits> bytes <N>
//     tcprecv: N bytes in U us, M.MMM Mbit/s
//
// (the SHA-256 and count of the bytes received; time from accept() to
// EOF). Exit status: 0 read to EOF; 1 a call failed or the peer stalled
// for a minute; 2 bad arguments. With --bypass the connection goes through
// this process's own stack over shm0's rings (tcp_path.h).
#include "bypass_session.h"
#include "sha256.h"
#include "tcp_path.h"
#include "unet.h"

namespace {

constexpr size_t kChunk = 64 * 1024;
uint8_t g_buffer[kChunk];

// Reads to EOF into the hash: the byte count, or -errno.
long receive_all(u::TcpPath& path, int fd, sha256::Hasher& hash) {
  long total = 0, r = path.prepare_reads(fd);
  while (r >= 0) {
    r = path.read_some(fd, g_buffer, sizeof(g_buffer));
    if (r <= 0) return r == 0 ? total : r;
    hash.update(g_buffer, static_cast<size_t>(r));
    total += r;
  }
  return r;
}

int run(u::TcpPath& path, uint16_t port) {
  long listener = path.listen(port);
  if (listener < 0) {
    u::print_error("listen", listener);
    return u::kExitFailure;
  }
  u::printf("tcprecv: listening on port %u\n", port);
  long fd = path.accept(static_cast<int>(listener));
  path.close(static_cast<int>(listener));
  if (fd < 0) {
    u::print_error("accept", fd);
    return u::kExitFailure;
  }
  uint64_t start = path.now_ns();
  sha256::Hasher hash;
  long bytes = receive_all(path, static_cast<int>(fd), hash);
  uint64_t elapsed = path.now_ns() - start;
  path.close(static_cast<int>(fd));
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
  uint64_t port = 0;
  bool listen = false, bypass = false;
  const u::NumericOption options[] = {{"-l", &port, &listen}, {"--bypass", nullptr, &bypass}};
  int i = u::parse_options(argc, argv, options, 2);
  if (i < 0 || i != argc || !listen || port > 65535) {
    u::dprintf(2, "usage: tcprecv [--bypass] -l PORT\n");
    return u::kExitUsage;
  }
  bypass::BypassNet* own_stack = nullptr;
  if (bypass && (own_stack = u::start_bypass("tcprecv")) == nullptr) return u::kExitFailure;
  u::TcpPath path(own_stack);
  int status = run(path, static_cast<uint16_t>(port));
  if (own_stack) own_stack->stop();
  return status;
}
