// tcpsend [--bypass] ADDR PORT BYTES
//
// Connects to ADDR:PORT, sends BYTES bytes of the stream pattern
//
//     byte i = (i * 131 + (i >> 8) + (i >> 16) + (i >> 24)) & 0xff
//
// (i from 0; pattern.h), shuts down its write side, and waits for the peer
// to close (anything the peer sends meanwhile is read and ignored). Then
// prints, on two lines:
//
//     sha256 <64 lowercase hex digits of the SHA-256 of the bytes sent>
//     tcpsend: N bytes in U us, M.MMM Mbit/s
//
// (time from connect() to the peer's close). Exit status: 0 sent and
// closed; 1 a call failed or the peer stalled for a minute; 2 bad
// arguments; 3 connect failed with ECONNREFUSED. With --bypass the bytes go
// through this process's own stack over shm0's rings (tcp_path.h).
#include "pattern.h"
#include "bypass_session.h"
#include "sha256.h"
#include "tcp_path.h"
#include "unet.h"

namespace {

constexpr size_t kChunk = 64 * 1024;
uint8_t g_buffer[kChunk];

long send_pattern(u::TcpPath& path, int fd, uint64_t bytes, sha256::Hasher& hash) {
  for (uint64_t sent = 0; sent < bytes;) {
    size_t n = bytes - sent < kChunk ? bytes - sent : kChunk;
    pattern::fill_stream(g_buffer, n, sent);
    hash.update(g_buffer, n);
    long r = path.write_all(fd, g_buffer, n);
    if (r < 0) return r;
    sent += n;
  }
  return 0;
}

// Reads until the peer's EOF: 0 or -errno.
long await_close(u::TcpPath& path, int fd) {
  long r = path.prepare_reads(fd);
  while (r >= 0) {
    r = path.read_some(fd, g_buffer, sizeof(g_buffer));
    if (r == 0) return 0;
  }
  return r;
}

int run(u::TcpPath& path, const u::SockAddrIn& to, uint64_t bytes) {
  uint64_t start = path.now_ns();
  long fd = path.connect(to);
  if (fd < 0) {
    u::print_error("connect", fd);
    return fd == -net::err::kConnRefused ? u::kExitRefused : u::kExitFailure;
  }
  sha256::Hasher hash;
  long r = send_pattern(path, static_cast<int>(fd), bytes, hash);
  if (r < 0) u::print_error("send", r);
  if (r == 0 && (r = path.shutdown_write(static_cast<int>(fd))) < 0) u::print_error("shutdown", r);
  if (r == 0 && (r = await_close(path, static_cast<int>(fd))) < 0) u::print_error("recv", r);
  uint64_t elapsed = path.now_ns() - start;
  path.close(static_cast<int>(fd));
  if (r < 0) return u::kExitFailure;
  char hex[sha256::kHexLen];
  hash.finish_hex(hex);
  u::printf("sha256 %s\n", hex);
  u::print_throughput("tcpsend", bytes, elapsed);
  return u::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  uint32_t addr_be = 0;
  uint16_t port = 0;
  uint64_t bytes = 0;
  bool bypass = false;
  const u::NumericOption options[] = {{"--bypass", nullptr, &bypass}};
  int i = u::parse_options(argc, argv, options, 1);
  if (i < 0 || argc - i != 3 || !u::parse_ipv4(argv[i], &addr_be) || !u::parse_port(argv[i + 1], &port) ||
      !u::parse_u64(argv[i + 2], &bytes)) {
    u::dprintf(2, "usage: tcpsend [--bypass] ADDR PORT BYTES\n");
    return u::kExitUsage;
  }
  bypass::BypassNet* own_stack = nullptr;
  if (bypass && (own_stack = u::start_bypass("tcpsend")) == nullptr) return u::kExitFailure;
  u::TcpPath path(own_stack);
  int status = run(path, u::make_sockaddr_in(addr_be, port), bytes);
  if (own_stack) own_stack->stop();
  return status;
}
