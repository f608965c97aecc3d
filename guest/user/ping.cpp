// ping [-c N] [-i INTERVAL_MS] [-W TIMEOUT_MS] ADDR
//
// ICMP echo through a "ping socket" (socket(AF_INET, SOCK_DGRAM,
// IPPROTO_ICMP), as Linux has them: the program writes the ICMP header, the
// kernel sets the identifier and the checksum and hands back only replies
// to this socket). Sends N requests (default 4) INTERVAL_MS apart (default
// 1000), each with 56 bytes of pattern::fill_datagram(seq), and waits up to
// TIMEOUT_MS (default 1000) for each reply.
//
// Output: per reply "reply from ADDR: seq=S time=T us"; per lost request
// "ping: seq=S: no reply"; then "ping: N transmitted, M received".
// Exit status: 0 if every reply came back with the data sent, 1 if not,
// 2 for bad arguments.
#include "pattern.h"
#include "unet.h"

namespace {

constexpr size_t kIcmpHeaderLen = 8;
constexpr size_t kPayloadLen = 56;
constexpr uint8_t kEchoRequest = 8;
constexpr uint8_t kEchoReply = 0;

struct Options {
  uint64_t count = 4;
  uint64_t interval_ms = 1000;
  uint64_t timeout_ms = 1000;
  uint32_t addr_be = 0;
};

bool parse_args(int argc, char** argv, Options* o) {
  const u::NumericOption options[] = {
      {"-c", &o->count}, {"-i", &o->interval_ms}, {"-W", &o->timeout_ms}};
  int i = u::parse_options(argc, argv, options, 3);
  if (i < 0) return false;
  if (i != argc - 1 || !u::parse_ipv4(argv[i], &o->addr_be)) {
    u::dprintf(2, "usage: ping [-c N] [-i INTERVAL_MS] [-W TIMEOUT_MS] ADDR\n");
    return false;
  }
  return true;
}

long send_request(int fd, const u::SockAddrIn& to, uint16_t seq) {
  uint8_t packet[kIcmpHeaderLen + kPayloadLen] = {kEchoRequest, 0};  // checksum, id: the kernel's
  packet[6] = static_cast<uint8_t>(seq >> 8);
  packet[7] = static_cast<uint8_t>(seq);
  pattern::fill_datagram(packet + kIcmpHeaderLen, kPayloadLen, seq);
  return u::sendto(fd, packet, sizeof(packet), 0, &to, u::kSockaddrInLen);
}

// True if packet is the intact echo reply to request seq.
bool is_reply(const uint8_t* packet, long len, uint16_t seq) {
  if (len != static_cast<long>(kIcmpHeaderLen + kPayloadLen)) return false;
  if (packet[0] != kEchoReply || packet[1] != 0) return false;
  if ((packet[6] << 8 | packet[7]) != seq) return false;
  return pattern::datagram_matches(packet + kIcmpHeaderLen, kPayloadLen, seq);
}

// Waits until deadline_ns for the reply to seq (skipping late replies to
// earlier requests): true if it came.
bool await_reply(int fd, uint16_t seq, uint64_t deadline_ns) {
  uint8_t packet[1500];
  for (uint64_t now = u::now_ns(); now < deadline_ns; now = u::now_ns()) {
    u::PollFd p{fd, static_cast<int16_t>(net::kPollIn), 0};
    long r = u::poll(&p, 1, static_cast<int>((deadline_ns - now + 999'999) / 1'000'000));
    if (r < 0) {
      u::print_error("poll", r);
      return false;
    }
    if (r == 0) continue;
    long len = u::recv(fd, packet, sizeof(packet), net::kMsgDontWait);
    if (len == -err::kAgain) continue;
    if (len < 0) {
      u::print_error("recv", len);
      return false;
    }
    if (is_reply(packet, len, seq)) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_args(argc, argv, &o)) return u::kExitUsage;
  long fd = u::socket(net::kAfInet, net::kSockDgram, net::kIpprotoIcmp);
  if (fd < 0) {
    u::print_error("socket", fd);
    return u::kExitFailure;
  }
  u::SockAddrIn to = u::make_sockaddr_in(o.addr_be, 0);
  uint64_t received = 0;
  for (uint64_t i = 0; i < o.count; ++i) {
    auto seq = static_cast<uint16_t>(i + 1);
    uint64_t start = u::now_ns();
    long r = send_request(static_cast<int>(fd), to, seq);
    if (r < 0) {
      u::print_error("sendto", r);
      return u::kExitFailure;
    }
    if (await_reply(static_cast<int>(fd), seq, start + o.timeout_ms * 1'000'000)) {
      ++received;
      u::printf("reply from %s: seq=%u time=%lu us\n", argv[argc - 1], seq,
                (u::now_ns() - start) / 1000);
    } else {
      u::printf("ping: seq=%u: no reply\n", seq);
    }
    uint64_t next = start + o.interval_ms * 1'000'000, now = u::now_ns();
    if (i + 1 < o.count && next > now) u::sleep_ns(next - now);
  }
  u::printf("ping: %lu transmitted, %lu received\n", o.count, received);
  u::close(static_cast<int>(fd));
  return received == o.count ? u::kExitOk : u::kExitFailure;
}
