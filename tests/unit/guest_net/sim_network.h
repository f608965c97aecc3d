// A simulated Ethernet segment for NetStack instances: frames travel with a
// latency under a fake clock, through a fault model (loss, duplication,
// reordering, corruption) and an optional per-frame filter. run_until()
// advances the clock from event to event, so simulated minutes take
// milliseconds.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "guest/net/net_stack.h"
#include "test_env.h"

namespace net::test {

struct FaultModel {
  double drop = 0;        // probability per frame
  double duplicate = 0;
  double reorder = 0;     // delayed by reorder_delay_ns on top of the latency
  double corrupt = 0;     // one bit flipped in an IPv4 frame, past the Ethernet header
  uint64_t latency_ns = 100 * 1000;
  uint64_t reorder_delay_ns = 3 * 1000 * 1000;
};

// A decoded frame, for filters and assertions.
struct FrameInfo {
  bool ipv4 = false;
  bool arp = false;
  uint8_t protocol = 0;
  Ipv4Addr source = 0;
  Ipv4Addr destination = 0;
  uint16_t source_port = 0;
  uint16_t destination_port = 0;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t tcp_flags = 0;
  uint16_t window = 0;
  size_t payload_len = 0;  // TCP/UDP payload
};
FrameInfo decode_frame(const std::vector<uint8_t>& frame);

class SimNetwork;
class SimDevice;

struct SimHost {
  SimHost(SimNetwork& network, std::string name, const NetConfig& config, uint64_t seed);
  ~SimHost();
  SimNetwork& network;
  std::string name;
  TestEnv env;  // outlives the stack, which returns its memory on destruction
  std::unique_ptr<SimDevice> device;
  NetStack stack;
  int iface = -1;
  Ipv4Addr address = 0;
  MacAddress mac{};
};

class SimNetwork {
 public:
  enum class Verdict { Deliver, Drop };
  using Filter = std::function<Verdict(const SimHost& from, const FrameInfo& info, std::vector<uint8_t>& frame)>;

  explicit SimNetwork(uint64_t seed = 42) : rng_(seed) {}

  // A host with one interface on the segment; address on 10.0.0.0/24 unless given.
  SimHost& add_host(const std::string& name, Ipv4Addr address, const NetConfig& config = NetConfig{},
                    uint8_t prefix_len = 24);
  FaultModel faults;
  // When nonzero, an idle network still advances in steps of at most this,
  // so that done() can act on time (a reader that reads every few ms).
  uint64_t idle_step_ns = 0;
  void set_filter(Filter filter) { filter_ = std::move(filter); }

  uint64_t now() const { return clock_; }
  uint64_t* clock() { return &clock_; }
  // Runs until done() is true (checked after every event) or `limit_ns` of
  // simulated time passed; returns done(). done() may act (write, read).
  bool run_until(const std::function<bool()>& done, uint64_t limit_ns);
  // Runs for a fixed simulated time.
  void run_for(uint64_t ns);

  uint64_t frames_sent() const { return frames_sent_; }
  uint64_t frames_dropped() const { return frames_dropped_; }

  // Called by a host's device.
  void transmit(SimHost& from, const uint8_t* frame, size_t len);

 private:
  struct InFlight {
    uint64_t time;
    uint64_t order;
    SimHost* from;
    std::vector<uint8_t> frame;
  };
  bool step(uint64_t limit_ns);
  uint64_t next_event() const;
  void deliver(InFlight& f);
  void schedule(SimHost& from, std::vector<uint8_t> frame, uint64_t delay);
  bool chance(double p) { return p > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  uint64_t clock_ = 0;
  uint64_t order_ = 0;
  std::mt19937_64 rng_;
  std::vector<std::unique_ptr<SimHost>> hosts_;
  std::vector<InFlight> in_flight_;
  Filter filter_;
  uint64_t frames_sent_ = 0;
  uint64_t frames_dropped_ = 0;
};

// Helpers for tests.
SockAddrIn sockaddr_of(Ipv4Addr address, uint16_t port);
inline constexpr uint64_t kMs = 1000 * 1000;
inline constexpr uint64_t kSec = 1000 * kMs;

}  // namespace net::test

namespace net::test {

// Socket calls with typed addresses, for brevity in tests.
int bind_socket(NetStack& stack, SocketId s, Ipv4Addr address, uint16_t port);
int connect_socket(NetStack& stack, SocketId s, Ipv4Addr address, uint16_t port);

// A TCP connection from `client` to a listener on `server`:port, run until
// both ends are established. Fails the test (and returns ids of -1) if not.
struct TcpPair {
  SocketId client = -1;
  SocketId server = -1;
  SocketId listener = -1;
};
TcpPair open_tcp_pair(SimNetwork& network, SimHost& client, SimHost& server, uint16_t port,
                      uint64_t limit_ns = 5 * kSec);

// Moves `data` through a stream socket: each pump() writes what the sender
// accepts and reads what the receiver has.
class StreamPump {
 public:
  StreamPump(NetStack& sender, SocketId out, NetStack& receiver, SocketId in,
             const std::vector<uint8_t>& data, size_t chunk = 64 * 1024)
      : sender_(sender), out_(out), receiver_(receiver), in_(in), data_(data), chunk_(chunk) {}
  void pump();
  bool done() const { return received_.size() == data_.size(); }
  const std::vector<uint8_t>& received() const { return received_; }
  size_t sent() const { return sent_; }
  int64_t last_error() const { return last_error_; }

 private:
  NetStack& sender_;
  SocketId out_;
  NetStack& receiver_;
  SocketId in_;
  const std::vector<uint8_t>& data_;
  size_t chunk_;
  size_t sent_ = 0;
  std::vector<uint8_t> received_;
  int64_t last_error_ = 0;
};

std::vector<uint8_t> pattern_bytes(size_t n, uint32_t seed);

}  // namespace net::test
