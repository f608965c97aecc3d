#include "hostnet/slirp_resolver.h"

#include <arpa/inet.h>
#include <libslirp.h>
#include <seccomp.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "hostnet/host_forward.h"
#include "hostnet/slirp_timers.h"

namespace vmm::net {

namespace {

constexpr int64_t kNsPerMs = 1'000'000;
// libslirp re-checks the file once this much of its clock has passed
// (slirp.c TIMEOUT_DEFAULT).
constexpr int64_t kRecheckNs = 1000 * kNsPerMs;
constexpr uint16_t kSourcePort = 40000;
constexpr uint16_t kDnsPort = 53;  // libslirp forwards nothing else to the nameserver

// An Ethernet frame from the guest (10.0.2.15) to the DNS address's port
// 53, without payload. The IPv4 header checksum is required (slirp's
// ip_input checks it); a UDP checksum of 0 means none.
std::vector<uint8_t> empty_dns_datagram() {
  std::vector<uint8_t> frame(14 + 20 + 8, 0);
  const std::array<uint8_t, 6> guest_mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
  std::fill_n(frame.begin(), 6, 0xff);
  std::copy(guest_mac.begin(), guest_mac.end(), frame.begin() + 6);
  frame[12] = 0x08;  // IPv4
  uint8_t* ip = frame.data() + 14;
  ip[0] = 0x45;
  ip[3] = 28;  // total length
  ip[8] = 64;  // TTL
  ip[9] = 17;  // UDP
  const uint32_t src = kUserGuestAddr, dst = kUserDnsAddr;
  for (int i = 0; i < 4; ++i) {
    ip[12 + i] = uint8_t(src >> (24 - 8 * i));
    ip[16 + i] = uint8_t(dst >> (24 - 8 * i));
  }
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += uint32_t(ip[i]) << 8 | ip[i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  ip[10] = uint8_t(~sum >> 8);
  ip[11] = uint8_t(~sum);
  uint8_t* udp = ip + 20;
  udp[0] = kSourcePort >> 8;
  udp[1] = kSourcePort & 0xff;
  udp[3] = kDnsPort;
  udp[5] = 8;  // length
  return frame;
}

// A Slirp that lives for the look-ups only: its clock is set by hand, and
// what it would send the guest (an ICMP error, an ARP request) is dropped.
struct Lookup {
  int64_t clock_ns = 0;
};

int64_t lookup_clock(void* opaque) { return static_cast<Lookup*>(opaque)->clock_ns; }
ssize_t drop_packet(const void*, size_t len, void*) { return static_cast<ssize_t>(len); }
void ignore_error(const char*, void*) {}
void* no_timer(SlirpTimerId, void*, void*) { return nullptr; }
void ignore_timer(void*, void*) {}
void ignore_timer_mod(void*, int64_t, void*) {}
void ignore_fd(int, void*) {}
void ignore_notify(void*) {}
int no_poll_slot(int, int, void*) { return -1; }
int no_events(int, void*) { return 0; }

// libslirp's global clock (curtime) moves when a Slirp polls.
void tick(Slirp* slirp) {
  uint32_t timeout = 0;
  slirp_pollfds_fill(slirp, &timeout, no_poll_slot, nullptr);
  slirp_pollfds_poll(slirp, 0, no_events, nullptr);
}

// This thread's datagrams fail with EPERM: libslirp's look-up sends the
// guest's datagram to the nameserver it found, which must not happen. A
// filter of this thread only, which ends with it.
bool refuse_sending_on_this_thread() {
  scmp_filter_ctx filter = seccomp_init(SCMP_ACT_ALLOW);
  if (!filter) return false;
  bool ok = true;
  for (int call : {SCMP_SYS(sendto), SCMP_SYS(sendmsg), SCMP_SYS(sendmmsg), SCMP_SYS(connect)})
    ok = ok && seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), call, 0) == 0;
  ok = ok && seccomp_load(filter) == 0;  // sets no_new_privs for this thread, as seccomp requires
  seccomp_release(filter);
  return ok;
}

void look_up_twice() {
  if (!refuse_sending_on_this_thread()) {
    spdlog::debug("slirp: cannot read the host's resolver configuration ahead (no seccomp): DNS may fail when confined");
    return;
  }
  SlirpCb callbacks{};
  callbacks.send_packet = drop_packet;
  callbacks.guest_error = ignore_error;
  callbacks.clock_get_ns = lookup_clock;
  callbacks.timer_new_opaque = no_timer;
  callbacks.timer_free = ignore_timer;
  callbacks.timer_mod = ignore_timer_mod;
  callbacks.register_poll_fd = ignore_fd;
  callbacks.unregister_poll_fd = ignore_fd;
  callbacks.notify = ignore_notify;

  SlirpConfig config{};
  config.version = 4;
  config.in_enabled = true;
  auto address = [](uint32_t host_order) {
    in_addr a{};
    a.s_addr = htonl(host_order);
    return a;
  };
  config.vnetwork = address(kUserNetwork);
  config.vnetmask = address(kUserNetmask);
  config.vhost = address(kUserHostAddr);
  config.vdhcp_start = address(kUserGuestAddr);
  config.vnameserver = address(kUserDnsAddr);

  // The second look-up a recheck interval after the first, ending at the
  // real clock, which the VM's own Slirp instances continue from.
  Lookup lookup{SlirpTimers::now_ns() - kRecheckNs};
  Slirp* slirp = slirp_new(&config, &callbacks, &lookup);
  if (!slirp) return;
  const std::vector<uint8_t> frame = empty_dns_datagram();
  tick(slirp);
  slirp_input(slirp, frame.data(), static_cast<int>(frame.size()));  // reads the file
  lookup.clock_ns += kRecheckNs;
  tick(slirp);
  slirp_input(slirp, frame.data(), static_cast<int>(frame.size()));  // stat()s it, reads it again
  slirp_cleanup(slirp);
}

}  // namespace

void load_host_resolver_into_slirp() {
  static std::once_flag once;
  std::call_once(once, [] { std::thread(look_up_twice).join(); });
}

}  // namespace vmm::net
