#include "sim_network.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace net::test {

class SimDevice final : public NetDevice {
 public:
  explicit SimDevice(SimHost& host) : host_(host) {}
  bool transmit(const uint8_t* frame, size_t len) override {
    host_.network.transmit(host_, frame, len);
    return true;
  }

 private:
  SimHost& host_;
};

namespace {

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}

}  // namespace

FrameInfo decode_frame(const std::vector<uint8_t>& f) {
  FrameInfo info;
  if (f.size() < 14) return info;
  uint16_t type = be16(&f[12]);
  info.arp = type == 0x0806;
  if (type != 0x0800 || f.size() < 34) return info;
  const uint8_t* ip = &f[14];
  size_t ihl = (ip[0] & 0xf) * 4u;
  size_t total = be16(ip + 2);
  if (ihl < 20 || 14 + total > f.size() || total < ihl) return info;
  info.ipv4 = true;
  info.protocol = ip[9];
  info.source = be32(ip + 12);
  info.destination = be32(ip + 16);
  const uint8_t* t = ip + ihl;
  size_t tlen = total - ihl;
  if (info.protocol == 6 && tlen >= 20) {
    info.source_port = be16(t);
    info.destination_port = be16(t + 2);
    info.seq = be32(t + 4);
    info.ack = be32(t + 8);
    info.tcp_flags = t[13];
    info.window = be16(t + 14);
    size_t off = (t[12] >> 4) * 4u;
    info.payload_len = tlen >= off ? tlen - off : 0;
  } else if (info.protocol == 17 && tlen >= 8) {
    info.source_port = be16(t);
    info.destination_port = be16(t + 2);
    info.payload_len = tlen - 8;
  }
  return info;
}

SimHost::SimHost(SimNetwork& net, std::string host_name, const NetConfig& config, uint64_t seed)
    : network(net),
      name(std::move(host_name)),
      env(net.clock(), seed),
      device(std::make_unique<SimDevice>(*this)),
      stack(env, config) {}

SimHost::~SimHost() = default;

SimHost& SimNetwork::add_host(const std::string& name, Ipv4Addr address, const NetConfig& config,
                              uint8_t prefix_len) {
  auto host = std::make_unique<SimHost>(*this, name, config, hosts_.size() + 7);
  EXPECT_EQ(host->stack.init(), 0);
  uint8_t n = static_cast<uint8_t>(hosts_.size() + 1);
  host->mac = MacAddress{{0x02, 0x00, 0x00, 0x00, 0x00, n}};
  host->address = address;
  InterfaceConfig ic;
  ic.name = "eth0";
  ic.mac = host->mac;
  ic.address = address;
  ic.prefix_len = prefix_len;
  ic.device = host->device.get();
  host->iface = host->stack.add_interface(ic);
  EXPECT_GT(host->iface, 0);
  hosts_.push_back(std::move(host));
  return *hosts_.back();
}

void SimNetwork::transmit(SimHost& from, const uint8_t* frame, size_t len) {
  frames_sent_++;
  std::vector<uint8_t> bytes(frame, frame + len);
  if (filter_) {
    FrameInfo info = decode_frame(bytes);
    if (filter_(from, info, bytes) == Verdict::Drop) {
      frames_dropped_++;
      return;
    }
  }
  if (chance(faults.drop)) {
    frames_dropped_++;
    return;
  }
  // Corruption the link's FCS did not catch (a middlebox): IPv4 only, where
  // checksums must catch it. ARP has no checksum to test.
  bool ipv4 = bytes.size() > 14 && bytes[12] == 0x08 && bytes[13] == 0x00;
  if (ipv4 && chance(faults.corrupt)) {
    size_t at = 14 + std::uniform_int_distribution<size_t>(0, bytes.size() - 15)(rng_);
    bytes[at] ^= static_cast<uint8_t>(1u << std::uniform_int_distribution<int>(0, 7)(rng_));
  }
  uint64_t delay = faults.latency_ns;
  if (chance(faults.reorder)) delay += faults.reorder_delay_ns;
  if (chance(faults.duplicate)) schedule(from, bytes, delay + faults.latency_ns / 2);
  schedule(from, std::move(bytes), delay);
}

void SimNetwork::schedule(SimHost& from, std::vector<uint8_t> frame, uint64_t delay) {
  in_flight_.push_back(InFlight{clock_ + delay, order_++, &from, std::move(frame)});
}

void SimNetwork::deliver(InFlight& f) {
  for (auto& host : hosts_) {
    if (host.get() == f.from) continue;  // a hub: every other port sees the frame
    host->stack.receive(host->iface, f.frame.data(), f.frame.size());
  }
}

uint64_t SimNetwork::next_event() const {
  uint64_t next = UINT64_MAX;
  for (auto& f : in_flight_) next = std::min(next, f.time);
  for (auto& host : hosts_) next = std::min(next, host->stack.next_deadline());
  return next;
}

// One event: the earliest frame delivery or stack deadline.
bool SimNetwork::step(uint64_t limit_ns) {
  uint64_t next = next_event();
  if (idle_step_ns != 0 && (next == UINT64_MAX || next > clock_ + idle_step_ns)) next = clock_ + idle_step_ns;
  if (next == UINT64_MAX || next > limit_ns) return false;
  clock_ = std::max(clock_, next);
  // Deliver every frame due, oldest first (stable for equal times).
  std::vector<InFlight> due;
  auto it = std::stable_partition(in_flight_.begin(), in_flight_.end(),
                                  [&](const InFlight& f) { return f.time > clock_; });
  std::move(it, in_flight_.end(), std::back_inserter(due));
  in_flight_.erase(it, in_flight_.end());
  std::sort(due.begin(), due.end(), [](const InFlight& a, const InFlight& b) {
    return a.time != b.time ? a.time < b.time : a.order < b.order;
  });
  for (auto& f : due) deliver(f);
  for (auto& host : hosts_) {
    if (host->stack.next_deadline() <= clock_) host->stack.tick(clock_);
  }
  return true;
}

bool SimNetwork::run_until(const std::function<bool()>& done, uint64_t limit_ns) {
  uint64_t limit = clock_ + limit_ns;
  while (true) {
    if (done()) return true;
    if (step(limit)) continue;
    // Idle until the limit, unless done() just made something happen.
    if (done()) return true;
    uint64_t next = next_event();
    if (next != UINT64_MAX && next <= limit) continue;
    clock_ = limit;
    return done();
  }
}

void SimNetwork::run_for(uint64_t ns) {
  uint64_t limit = clock_ + ns;
  while (step(limit)) {
  }
  clock_ = limit;
}

SockAddrIn sockaddr_of(Ipv4Addr address, uint16_t port) {
  SockAddrIn sin{};
  sin.family = kAfInet;
  sin.port_be = host_to_be16(port);
  sin.addr_be = host_to_be32(address);
  return sin;
}

}  // namespace net::test

namespace net::test {

int bind_socket(NetStack& stack, SocketId s, Ipv4Addr address, uint16_t port) {
  SockAddrIn sin = sockaddr_of(address, port);
  return stack.bind(s, &sin, sizeof sin);
}

int connect_socket(NetStack& stack, SocketId s, Ipv4Addr address, uint16_t port) {
  SockAddrIn sin = sockaddr_of(address, port);
  return stack.connect(s, &sin, sizeof sin);
}

TcpPair open_tcp_pair(SimNetwork& network, SimHost& client, SimHost& server, uint16_t port,
                      uint64_t limit_ns) {
  TcpPair pair;
  SocketId listener = server.stack.socket(kAfInet, kSockStream, 0);
  EXPECT_GE(listener, 0);
  EXPECT_EQ(bind_socket(server.stack, listener, kIpv4Any, port), 0);
  EXPECT_EQ(server.stack.listen(listener, 16), 0);
  SocketId c = client.stack.socket(kAfInet, kSockStream, 0);
  EXPECT_EQ(connect_socket(client.stack, c, server.address, port), -err::kInProgress);
  SocketId accepted = -1;
  bool ok = network.run_until(
      [&] {
        if (accepted < 0) accepted = server.stack.accept(listener, nullptr, nullptr);
        return accepted >= 0 && (client.stack.poll(c) & kPollOut);
      },
      limit_ns);
  EXPECT_TRUE(ok) << "connection not established";
  if (!ok) return pair;
  EXPECT_EQ(connect_socket(client.stack, c, server.address, port), 0);
  pair.client = c;
  pair.server = accepted;
  pair.listener = listener;
  return pair;
}

void StreamPump::pump() {
  while (sent_ < data_.size()) {
    size_t n = std::min(chunk_, data_.size() - sent_);
    int64_t r = sender_.send(out_, data_.data() + sent_, n, 0);
    if (r <= 0) {
      if (r < 0 && r != -err::kAgain) last_error_ = r;
      break;
    }
    sent_ += static_cast<size_t>(r);
  }
  uint8_t buffer[16384];
  while (true) {
    int64_t r = receiver_.recv(in_, buffer, sizeof buffer, 0);
    if (r <= 0) {
      if (r < 0 && r != -err::kAgain) last_error_ = r;
      break;
    }
    received_.insert(received_.end(), buffer, buffer + r);
  }
}

std::vector<uint8_t> pattern_bytes(size_t n, uint32_t seed) {
  std::vector<uint8_t> v(n);
  uint32_t x = seed * 2654435761u + 12345;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    v[i] = static_cast<uint8_t>(x);
  }
  return v;
}

}  // namespace net::test
