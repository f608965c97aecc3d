// ARP (RFC 826) for IPv4 over Ethernet: a bounded cache of address
// mappings with timeouts, requests retried on a timer, and a bounded queue of
// packets per address awaiting resolution.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

namespace net {

struct NetCore;

inline constexpr int kArpCacheSize = 64;
inline constexpr size_t kArpPacketLen = 28;

class Arp {
 public:
  explicit Arp(NetCore& core) : core_(core) {}
  Arp(const Arp&) = delete;
  Arp& operator=(const Arp&) = delete;

  void receive(int iface, ByteView packet);
  // Sends the IPv4 packet of ip_len bytes at frame + kEthernetHeaderLen to
  // next_hop; the first kEthernetHeaderLen bytes are room for the header.
  // Queues a copy when the address is not resolved yet.
  void send_ipv4(int iface, Ipv4Addr next_hop, uint8_t* frame, size_t ip_len);
  void tick(uint64_t now);
  uint64_t next_deadline() const;
  // Forgets every entry of an interface (or all when iface < 0), dropping
  // queued packets.
  void flush(int iface);

  // Diagnostics and tests: the resolved address, if any.
  bool lookup(int iface, Ipv4Addr ip, MacAddress* mac) const;
  bool has_pending(int iface, Ipv4Addr ip) const;

 private:
  enum class State : uint8_t { Free, Incomplete, Reachable };
  struct Pending {
    Pending* next;
    size_t ip_len;
    uint8_t* frame() { return reinterpret_cast<uint8_t*>(this + 1); }
  };
  struct Entry {
    State state = State::Free;
    int iface = -1;
    Ipv4Addr ip = 0;
    MacAddress mac = MacAddress::zero();
    uint64_t deadline = 0;      // Incomplete: next request; Reachable: expiry
    uint64_t last_update = 0;
    uint32_t requests_sent = 0;
    Pending* head = nullptr;
    Pending* tail = nullptr;
    uint32_t queued = 0;
  };

  Entry* find(int iface, Ipv4Addr ip);
  const Entry* find(int iface, Ipv4Addr ip) const;
  Entry* claim_entry(int iface, Ipv4Addr ip);
  void resolve(Entry& entry, const MacAddress& mac);
  static size_t pending_block_size(size_t ip_len);
  void enqueue(Entry& entry, const uint8_t* frame, size_t ip_len);
  void flush_queue(Entry& entry);
  void drop_queue(Entry& entry);
  void free_entry(Entry& entry);
  void retry_or_fail(Entry& entry, uint64_t now);
  void send_arp(int iface, uint16_t operation, const MacAddress& target_mac,
                Ipv4Addr target_ip, const MacAddress& frame_destination);
  void transmit_ipv4(int iface, const MacAddress& destination, uint8_t* frame, size_t ip_len);

  NetCore& core_;
  Entry entries_[kArpCacheSize];
};

}  // namespace net
