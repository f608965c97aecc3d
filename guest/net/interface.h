// Network interfaces: what a driver supplies (NetDevice, InterfaceConfig)
// and what the stack keeps per interface. Interface 0 is always "lo", the
// loopback interface the stack provides itself (127.0.0.0/8 and traffic to
// the stack's own addresses).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "counters.h"

namespace net {

inline constexpr int kMaxInterfaces = 8;
inline constexpr int kLoopbackInterface = 0;
inline constexpr size_t kInterfaceNameMax = 16;  // IFNAMSIZ, NUL included
inline constexpr uint16_t kMinMtu = 576;   // RFC 791: every host accepts 576-byte datagrams
inline constexpr uint16_t kMaxEthernetMtu = 9000;
inline constexpr uint16_t kLoopbackMtu = 65535;

// The driver's side of an interface. transmit() gets one complete Ethernet
// frame (no FCS); it copies or queues it and returns false only if it had to
// drop it. It must not call back into the stack.
class NetDevice {
 public:
  virtual bool transmit(const uint8_t* frame, size_t len) { (void)frame; (void)len; return false; }

 protected:
  ~NetDevice() = default;
};

struct InterfaceConfig {
  const char* name = "eth0";
  MacAddress mac = MacAddress::zero();
  Ipv4Addr address = kIpv4Any;  // host byte order (make_ipv4)
  uint8_t prefix_len = 24;
  uint16_t mtu = 1500;          // IP MTU, kMinMtu..kMaxEthernetMtu
  NetDevice* device = nullptr;
};

struct Interface {
  char name[kInterfaceNameMax] = {};
  MacAddress mac = MacAddress::zero();
  Ipv4Addr address = kIpv4Any;
  uint8_t prefix_len = 0;
  uint16_t mtu = 0;
  NetDevice* device = nullptr;  // nullptr for the loopback interface
  bool loopback = false;
  InterfaceCounters counters;

  Ipv4Addr netmask() const { return prefix_mask(prefix_len); }
  bool on_link(Ipv4Addr a) const {
    return address != kIpv4Any && ((a ^ address) & netmask()) == 0;
  }
  // The directed broadcast address of the interface's subnet (RFC 919).
  Ipv4Addr subnet_broadcast() const { return address | ~netmask(); }
};

}  // namespace net
