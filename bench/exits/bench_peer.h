// The host peer netbench talks to (protocol in abi/netbench.h): one UDP port
// that echoes, drops, or opens a TCP connection into the guest on request,
// and one TCP port whose connections echo or discard. Everything runs on one
// poll loop thread the object owns; the peer listens on 127.0.0.1, which the
// guest reaches through the VMM's user-mode network (10.0.2.2 / 10.0.3.2).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>

#include "vmm/core/result.h"
#include "vmm/kvm/file_descriptor.h"

namespace vmm::bench {

struct PeerCounters {
  uint64_t echoed = 0;       // UDP datagrams sent back
  uint64_t dropped = 0;      // UDP datagrams of the send phases, discarded
  uint64_t opened = 0;       // TCP connections opened into the guest
  uint64_t open_failed = 0;  // ... that could not be opened
  uint64_t accepted = 0;     // TCP connections the guest opened
};

class BenchPeer {
 public:
  // forward_port: the host port the VMM forwards to the guest's accept
  // port (0: the peer opens no connections).
  static Result<std::unique_ptr<BenchPeer>> start(uint16_t forward_port);
  ~BenchPeer();
  BenchPeer(const BenchPeer&) = delete;
  BenchPeer& operator=(const BenchPeer&) = delete;

  uint16_t udp_port() const { return udp_port_; }
  uint16_t tcp_port() const { return tcp_port_; }
  PeerCounters counters() const;

 private:
  BenchPeer() = default;
  void run();

  FileDescriptor udp_, listener_, wake_;
  uint16_t udp_port_ = 0, tcp_port_ = 0, forward_port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> echoed_{0}, dropped_{0}, opened_{0}, open_failed_{0}, accepted_{0};
  std::thread thread_;
};

}  // namespace vmm::bench
