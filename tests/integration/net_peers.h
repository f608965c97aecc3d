// Host-side peers for the guest's network programs: real Linux sockets on
// the host (on its loopback for the user backend, inside a test network
// namespace for tap), each on its own thread, owned by an RAII object.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace vmm::testing {

// A network namespace the test creates (with `ip netns add`) and removes.
// Peers enter it on their own thread (setns affects only the caller).
class NetNamespace {
 public:
  // nullptr (with *why set) if namespaces or `ip` are not usable here.
  static std::unique_ptr<NetNamespace> create(std::string* why);
  ~NetNamespace();
  const std::string& name() const { return name_; }
  // Runs `ip netns exec NAME sh -c command`; true if it exited 0.
  bool exec(const std::string& command) const;
  // Joins the namespace on the calling thread: true on success.
  bool enter_on_this_thread() const;

 private:
  explicit NetNamespace(std::string name) : name_(std::move(name)) {}
  std::string name_;
};

// Echoes every UDP datagram back to its sender.
class UdpEchoServer {
 public:
  // Binds addr:0 (an ephemeral port), in ns if given.
  static std::unique_ptr<UdpEchoServer> start(const std::string& addr, const NetNamespace* ns = nullptr);
  ~UdpEchoServer();
  uint16_t port() const { return port_; }
  uint64_t echoed() const { return echoed_.load(); }

 private:
  UdpEchoServer() = default;
  void run();
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> echoed_{0};
  std::thread thread_;
};

// What a stream peer saw: its SHA-256 (lowercase hex) and length.
struct StreamDigest {
  std::string sha256;
  uint64_t bytes = 0;
  bool done = false;
};

// Accepts TCP connections on addr:0. Mode kSink: reads each to EOF and
// records its digest. Mode kEcho: echoes each connection's bytes back.
class TcpServer {
 public:
  enum class Mode { kSink, kEcho };
  static std::unique_ptr<TcpServer> start(Mode mode, const std::string& addr,
                                          const NetNamespace* ns = nullptr);
  ~TcpServer();
  uint16_t port() const { return port_; }
  uint64_t connections() const { return connections_.load(); }
  // The digest of the last connection that reached EOF (sink mode).
  StreamDigest last_digest() const;

 private:
  TcpServer() = default;
  void run();
  void serve(int conn);
  Mode mode_ = Mode::kSink;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> connections_{0};
  mutable std::atomic<bool> digest_ready_{false};
  StreamDigest digest_;
  std::thread thread_;
};

// A port free on the host's loopback right now (for hostfwd).
uint16_t free_port(bool tcp);

// Host clients of a guest server (through hostfwd on 127.0.0.1, or
// directly inside ns over tap). Each retries until the guest listens (the
// VM boots first) or the deadline passes, and runs inside ns if given.
// UDP: sends count datagrams of the udpecho pattern (sizes cycling
// 1..max_size) one at a time and checks each echo: how many came back intact.
uint64_t udp_echo_client(const std::string& addr, uint16_t port, uint64_t count, size_t max_size,
                         std::chrono::seconds deadline, const NetNamespace* ns = nullptr);
// TCP: connects, sends bytes of the stream pattern (reading back and
// checking the echo if echo), closes; the SHA-256 of what was sent, or ""
// if it never connected, the send failed or the echo differed.
std::string tcp_send_pattern(const std::string& addr, uint16_t port, uint64_t bytes, bool echo,
                             std::chrono::seconds deadline, const NetNamespace* ns = nullptr);
// One 1-byte datagram to addr:port: makes a guest "udpecho -l -n N" server
// that counted fewer than N echoes (lost copies are sent again, and each
// copy counts) reach N and end.
void udp_send_filler(const std::string& addr, uint16_t port, const NetNamespace* ns = nullptr);
// The SHA-256 of the first n bytes of the stream pattern.
std::string pattern_sha256(uint64_t n);

}  // namespace vmm::testing
