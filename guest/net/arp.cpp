#include "arp.h"

#include "core.h"
#include "ethernet.h"
#include "link.h"

namespace net {

namespace {

constexpr uint16_t kHardwareEthernet = 1;
constexpr uint16_t kOpRequest = 1;
constexpr uint16_t kOpReply = 2;

// The fields of an Ethernet/IPv4 ARP packet (RFC 826 "Packet format").
struct ArpPacket {
  uint16_t operation;
  MacAddress sender_mac;
  Ipv4Addr sender_ip;
  MacAddress target_mac;
  Ipv4Addr target_ip;
};

bool parse_arp(ByteView packet, ArpPacket* out) {
  if (packet.len < kArpPacketLen) return false;
  const uint8_t* p = packet.data;
  if (load_be16(p) != kHardwareEthernet || load_be16(p + 2) != kEtherTypeIpv4) return false;
  if (p[4] != 6 || p[5] != 4) return false;
  out->operation = load_be16(p + 6);
  if (out->operation != kOpRequest && out->operation != kOpReply) return false;
  out->sender_mac = MacAddress::load(p + 8);
  out->sender_ip = load_be32(p + 14);
  out->target_mac = MacAddress::load(p + 18);
  out->target_ip = load_be32(p + 24);
  return true;
}

}  // namespace

Arp::Entry* Arp::find(int iface, Ipv4Addr ip) {
  for (Entry& e : entries_) {
    if (e.state != State::Free && e.iface == iface && e.ip == ip) return &e;
  }
  return nullptr;
}

const Arp::Entry* Arp::find(int iface, Ipv4Addr ip) const {
  return const_cast<Arp*>(this)->find(iface, ip);
}

bool Arp::lookup(int iface, Ipv4Addr ip, MacAddress* mac) const {
  const Entry* e = find(iface, ip);
  if (e == nullptr || e->state != State::Reachable) return false;
  *mac = e->mac;
  return true;
}

bool Arp::has_pending(int iface, Ipv4Addr ip) const {
  const Entry* e = find(iface, ip);
  return e != nullptr && e->state == State::Incomplete;
}

// A free entry, or the least recently confirmed resolved one. Entries still
// being resolved are never evicted (their queues would be lost).
Arp::Entry* Arp::claim_entry(int iface, Ipv4Addr ip) {
  Entry* victim = nullptr;
  for (Entry& e : entries_) {
    if (e.state == State::Free) {
      victim = &e;
      break;
    }
    if (e.state == State::Reachable && (victim == nullptr || e.last_update < victim->last_update)) {
      victim = &e;
    }
  }
  if (victim == nullptr) return nullptr;
  free_entry(*victim);
  victim->iface = iface;
  victim->ip = ip;
  return victim;
}

void Arp::free_entry(Entry& entry) {
  drop_queue(entry);
  entry = Entry{};
}

void Arp::receive(int iface_index, ByteView bytes) {
  Interface* iface = core_.interface(iface_index);
  if (iface == nullptr) return;
  ArpPacket arp;
  if (!parse_arp(bytes, &arp) || arp.sender_mac.is_multicast()) {
    core_.counters.arp.rx_malformed++;
    return;
  }
  if (arp.operation == kOpRequest) core_.counters.arp.rx_requests++; else core_.counters.arp.rx_replies++;

  // RFC 826 "Packet Reception": update an existing entry for the sender
  // (merge), then, if we are the target, add one and answer a request.
  // A sender address of 0 is an address probe (RFC 5227): no entry.
  bool merged = false;
  if (arp.sender_ip != kIpv4Any) {
    if (Entry* e = find(iface_index, arp.sender_ip)) {
      resolve(*e, arp.sender_mac);
      merged = true;
    }
  }
  if (iface->address == kIpv4Any || arp.target_ip != iface->address) {
    core_.counters.arp.rx_other_target++;
    return;
  }
  if (!merged && arp.sender_ip != kIpv4Any && iface->on_link(arp.sender_ip)) {
    if (Entry* e = claim_entry(iface_index, arp.sender_ip)) resolve(*e, arp.sender_mac);
  }
  if (arp.operation == kOpRequest) {
    send_arp(iface_index, kOpReply, arp.sender_mac, arp.sender_ip, arp.sender_mac);
    core_.counters.arp.tx_replies++;
  }
}

void Arp::resolve(Entry& entry, const MacAddress& mac) {
  uint64_t now = core_.now();
  entry.state = State::Reachable;
  entry.mac = mac;
  entry.last_update = now;
  entry.deadline = now + core_.config.arp_reachable_ns;
  entry.requests_sent = 0;
  core_.note_deadline(entry.deadline);
  flush_queue(entry);
}

void Arp::send_ipv4(int iface_index, Ipv4Addr next_hop, uint8_t* frame, size_t ip_len) {
  Interface* iface = core_.interface(iface_index);
  if (iface == nullptr) return;
  if (next_hop == kIpv4Broadcast || (iface->prefix_len < 31 && next_hop == iface->subnet_broadcast())) {
    transmit_ipv4(iface_index, MacAddress::broadcast(), frame, ip_len);
    return;
  }
  Entry* e = find(iface_index, next_hop);
  if (e != nullptr && e->state == State::Reachable) {
    transmit_ipv4(iface_index, e->mac, frame, ip_len);
    return;
  }
  if (e == nullptr) {
    e = claim_entry(iface_index, next_hop);
    if (e == nullptr) {
      core_.counters.arp.cache_full_drops++;
      return;
    }
    e->state = State::Incomplete;
    e->deadline = core_.now();  // the first request goes out below
  }
  enqueue(*e, frame, ip_len);
  if (e->requests_sent == 0) retry_or_fail(*e, core_.now());
}

void Arp::transmit_ipv4(int iface, const MacAddress& destination, uint8_t* frame, size_t ip_len) {
  write_ethernet_header(frame, destination, core_.interfaces[iface].mac, kEtherTypeIpv4);
  link_transmit(core_, iface, frame, kEthernetHeaderLen + ip_len);
}

// A queued packet keeps room for its Ethernet header and padding so that it
// can be sent from where it waits.
size_t Arp::pending_block_size(size_t ip_len) {
  return sizeof(Pending) + max_of(kEthernetHeaderLen + ip_len, kEthernetMinFrame);
}

void Arp::enqueue(Entry& entry, const uint8_t* frame, size_t ip_len) {
  if (entry.queued >= core_.config.arp_queue_per_entry) {
    // Keep the newest packets: drop the oldest, as Linux's unresolved queue.
    Pending* oldest = entry.head;
    entry.head = oldest->next;
    if (entry.head == nullptr) entry.tail = nullptr;
    entry.queued--;
    core_.env.release(oldest, pending_block_size(oldest->ip_len));
    core_.counters.arp.queue_overflow_drops++;
  }
  void* block = core_.env.allocate(pending_block_size(ip_len));
  if (block == nullptr) {
    core_.counters.arp.queue_overflow_drops++;
    return;
  }
  auto* p = new (block) Pending{nullptr, ip_len};
  copy_bytes(p->frame() + kEthernetHeaderLen, frame + kEthernetHeaderLen, ip_len);
  if (entry.tail != nullptr) entry.tail->next = p; else entry.head = p;
  entry.tail = p;
  entry.queued++;
}

void Arp::flush_queue(Entry& entry) {
  while (Pending* p = entry.head) {
    entry.head = p->next;
    transmit_ipv4(entry.iface, entry.mac, p->frame(), p->ip_len);
    core_.env.release(p, pending_block_size(p->ip_len));
  }
  entry.tail = nullptr;
  entry.queued = 0;
}

void Arp::drop_queue(Entry& entry) {
  while (Pending* p = entry.head) {
    entry.head = p->next;
    core_.env.release(p, pending_block_size(p->ip_len));
  }
  entry.tail = nullptr;
  entry.queued = 0;
}

// An unresolved entry's timer: another request, or give up and drop what
// waited for it.
void Arp::retry_or_fail(Entry& entry, uint64_t now) {
  if (entry.requests_sent >= core_.config.arp_max_requests) {
    core_.counters.arp.resolution_failures++;
    core_.counters.arp.unresolved_drops += entry.queued;
    free_entry(entry);
    return;
  }
  send_arp(entry.iface, kOpRequest, MacAddress::zero(), entry.ip, MacAddress::broadcast());
  core_.counters.arp.tx_requests++;
  entry.requests_sent++;
  entry.deadline = now + core_.config.arp_retry_ns;
  core_.note_deadline(entry.deadline);
}

void Arp::tick(uint64_t now) {
  for (Entry& e : entries_) {
    if (e.state == State::Free || now < e.deadline) continue;
    if (e.state == State::Incomplete) retry_or_fail(e, now); else free_entry(e);
  }
}

uint64_t Arp::next_deadline() const {
  uint64_t earliest = kNoDeadline;
  for (const Entry& e : entries_) {
    if (e.state != State::Free && e.deadline < earliest) earliest = e.deadline;
  }
  return earliest;
}

void Arp::flush(int iface) {
  for (Entry& e : entries_) {
    if (e.state != State::Free && (iface < 0 || e.iface == iface)) free_entry(e);
  }
}

void Arp::send_arp(int iface_index, uint16_t operation, const MacAddress& target_mac,
                   Ipv4Addr target_ip, const MacAddress& frame_destination) {
  const Interface& iface = core_.interfaces[iface_index];
  // A frame of its own: the caller may be in the middle of using the
  // transmit buffers.
  uint8_t frame[kEthernetMinFrame];
  write_ethernet_header(frame, frame_destination, iface.mac, kEtherTypeArp);
  uint8_t* p = frame + kEthernetHeaderLen;
  store_be16(p, kHardwareEthernet);
  store_be16(p + 2, kEtherTypeIpv4);
  p[4] = 6;
  p[5] = 4;
  store_be16(p + 6, operation);
  iface.mac.store(p + 8);
  store_be32(p + 14, iface.address);
  target_mac.store(p + 18);
  store_be32(p + 24, target_ip);
  link_transmit(core_, iface_index, frame, kEthernetHeaderLen + kArpPacketLen);
}

}  // namespace net
