// The host peer netbench talks to (protocol in abi/netbench.h): one UDP port
// that echoes, drops, or opens a TCP connection into the guest on request,
// and one TCP port whose connections echo or discard. Everything runs on one
// poll loop thread the object owns; the peer listens on 127.0.0.1, which the
// guest reaches through the VMM's user-mode network (10.0.2.2 / 10.0.3.2).
//
// A guest cannot make the peer block or spin: every socket is non-blocking
// (peer_connection.h), connections into the guest are opened without
// waiting, the number of connections is capped (beyond it the listener is
// not polled and new ones wait in the kernel's backlog; a request to open
// one fails), and when accept() fails for want of descriptors
// (EMFILE/ENFILE) the listener rests until a connection closes or a short
// back-off passes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>

#include "hv/core/result.h"
#include "hv/kvm/file_descriptor.h"

namespace vmm::bench {

struct PeerCounters {
  uint64_t echoed = 0;       // UDP datagrams sent back
  uint64_t dropped = 0;      // UDP datagrams of the send phases, discarded
  uint64_t opened = 0;       // TCP connections opened into the guest
  uint64_t open_failed = 0;  // ... that could not be opened
  uint64_t accepted = 0;     // TCP connections the guest opened
};

struct PeerLimits {
  // Connections served or being opened at once (the bundled guest's
  // descriptor table holds 256).
  size_t max_connections = 256;
  // Per echo connection: bytes read and not yet sent back.
  size_t max_echo_backlog = 64 * 1024;
  // A connection into the guest that has not opened by then has failed.
  std::chrono::milliseconds connect_timeout{5000};
  // How long the listener rests after accept() ran out of descriptors,
  // unless a connection closes first.
  std::chrono::milliseconds accept_backoff{100};
};

class BenchPeer {
 public:
  // forward_port: the host port the VMM forwards to the guest's accept
  // port (0: the peer opens no connections).
  static Result<std::unique_ptr<BenchPeer>> start(uint16_t forward_port, PeerLimits limits = {});
  ~BenchPeer();
  BenchPeer(const BenchPeer&) = delete;
  BenchPeer& operator=(const BenchPeer&) = delete;

  uint16_t udp_port() const { return udp_port_; }
  uint16_t tcp_port() const { return tcp_port_; }
  PeerCounters counters() const;

 private:
  struct Loop;
  BenchPeer() = default;
  void run();

  PeerLimits limits_;
  FileDescriptor udp_, listener_, wake_;
  uint16_t udp_port_ = 0, tcp_port_ = 0, forward_port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> echoed_{0}, dropped_{0}, opened_{0}, open_failed_{0}, accepted_{0};
  std::thread thread_;
};

}  // namespace vmm::bench
