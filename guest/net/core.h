// NetCore: everything one NetStack owns, in one place, so each layer can
// reach the others (a layer holds a NetCore&). Internal to the stack: the
// kernel uses NetStack (net_stack.h).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "arp.h"
#include "config.h"
#include "counters.h"
#include "ethernet.h"
#include "icmp.h"
#include "interface.h"
#include "ipv4.h"
#include "loopback.h"
#include "net_env.h"
#include "route.h"
#include "socket_layer.h"
#include "tcp.h"
#include "udp.h"
#include "unix_socket.h"

namespace net {

// One transmit buffer holds the largest IPv4 packet with Ethernet headroom
// and padding; fragments are built in a second, MTU-sized one.
inline constexpr size_t kTxFrameCapacity = kEthernetHeaderLen + kIpv4MaxPacket + kEthernetMinFrame;
inline constexpr size_t kTxFragmentCapacity = kEthernetHeaderLen + kMaxEthernetMtu + kEthernetMinFrame;

struct NetCore {
  NetCore(NetEnv& environment, const NetConfig& configuration);
  ~NetCore();
  NetCore(const NetCore&) = delete;
  NetCore& operator=(const NetCore&) = delete;

  [[nodiscard]] bool allocate_buffers();

  uint8_t* tx_ip() { return tx_frame + kEthernetHeaderLen; }
  uint8_t* tx_transport() { return tx_frame + kEthernetHeaderLen + kIpv4HeaderLen; }
  uint64_t now() { return env.now_ns(); }
  void note_deadline(uint64_t deadline) {
    if (deadline < earliest_deadline) earliest_deadline = deadline;
  }
  void recompute_deadline();
  Interface* interface(int index) {
    return index >= 0 && index < interface_count ? &interfaces[index] : nullptr;
  }

  NetEnv& env;
  NetConfig config;
  NetCounters counters;
  Interface interfaces[kMaxInterfaces];
  int interface_count = 0;
  RouteTable routes;
  uint8_t* tx_frame = nullptr;
  uint8_t* tx_fragment = nullptr;
  uint64_t earliest_deadline = UINT64_MAX;

  Arp arp;
  Ipv4 ipv4;
  Icmp icmp;
  Udp udp;
  Tcp tcp;
  UnixSockets unix_sockets;
  Loopback loopback;
  SocketLayer sockets;
};

}  // namespace net
