// Counters per interface and per protocol, plain structs the kernel can
// print field by field or walk with visit_counters(). Each list below is
// the one place a counter is named.
#pragma once

#include <stdint.h>

namespace net {

#define NET_INTERFACE_COUNTERS(X)                                              \
  X(rx_frames) X(rx_bytes) X(tx_frames) X(tx_bytes)                            \
  X(rx_dropped_short)         /* shorter than an Ethernet header */            \
  X(rx_dropped_other_host)    /* destination MAC is neither ours nor broadcast */ \
  X(rx_dropped_ethertype)     /* neither IPv4 nor ARP */                       \
  X(tx_dropped_device)        /* the driver refused the frame */               \
  X(tx_dropped_too_big)       /* larger than the MTU */

#define NET_ARP_COUNTERS(X)                                                    \
  X(rx_requests) X(rx_replies) X(tx_requests) X(tx_replies)                    \
  X(rx_malformed) X(rx_other_target)                                           \
  X(resolution_failures)       /* no reply after the retries */                \
  X(queue_overflow_drops)      /* too many packets waiting for one address */  \
  X(unresolved_drops)          /* dropped when resolution failed */            \
  X(cache_full_drops)

#define NET_IPV4_COUNTERS(X)                                                   \
  X(rx_packets) X(rx_bytes) X(tx_packets) X(tx_bytes)                          \
  X(rx_malformed)              /* version, header or total length invalid */   \
  X(rx_bad_checksum)                                                           \
  X(rx_fragments_dropped)      /* no reassembly (by design) */                 \
  X(rx_other_host)             /* not addressed to us; no forwarding */        \
  X(rx_bad_source)             /* broadcast/multicast source */                \
  X(rx_unknown_protocol)                                                       \
  X(tx_no_route) X(tx_fragments) X(tx_dropped_too_big)                         \
  X(loopback_packets) X(loopback_drops)

#define NET_ICMP_COUNTERS(X)                                                   \
  X(rx_messages) X(rx_malformed) X(rx_bad_checksum)                            \
  X(rx_echo_requests) X(tx_echo_replies) X(rx_echo_replies) X(tx_echo_requests) \
  X(rx_dest_unreachable) X(tx_dest_unreachable) X(rx_echo_replies_unclaimed)   \
  X(rx_queue_full_drops)

#define NET_UDP_COUNTERS(X)                                                    \
  X(rx_datagrams) X(tx_datagrams) X(rx_malformed) X(rx_bad_checksum)           \
  X(rx_no_port)                /* answered with ICMP port unreachable */       \
  X(rx_queue_full_drops)       /* SO_RCVBUF exceeded */

#define NET_TCP_COUNTERS(X)                                                    \
  X(rx_segments) X(tx_segments) X(rx_malformed) X(rx_bad_checksum)             \
  X(active_opens) X(passive_opens) X(established) X(refused)                   \
  X(resets_received) X(resets_sent) X(challenge_acks)                          \
  X(timeout_retransmits) X(fast_retransmits) X(retransmitted_segments)        \
  X(rx_out_of_order) X(ooo_dropped) X(rx_duplicate_bytes) X(rx_out_of_window)  \
  X(zero_window_probes) X(window_updates) X(delayed_acks)                      \
  X(backlog_drops) X(timeouts_aborted) X(time_wait_expired)                    \
  X(rx_data_bytes) X(tx_data_bytes) X(buffer_allocation_failures)

#define NET_DECLARE_COUNTER(name) uint64_t name = 0;

struct InterfaceCounters { NET_INTERFACE_COUNTERS(NET_DECLARE_COUNTER) };
struct ArpCounters { NET_ARP_COUNTERS(NET_DECLARE_COUNTER) };
struct Ipv4Counters { NET_IPV4_COUNTERS(NET_DECLARE_COUNTER) };
struct IcmpCounters { NET_ICMP_COUNTERS(NET_DECLARE_COUNTER) };
struct UdpCounters { NET_UDP_COUNTERS(NET_DECLARE_COUNTER) };
struct TcpCounters { NET_TCP_COUNTERS(NET_DECLARE_COUNTER) };

// Per-protocol counters of one stack (per-interface ones live in Interface).
struct NetCounters {
  ArpCounters arp;
  Ipv4Counters ipv4;
  IcmpCounters icmp;
  UdpCounters udp;
  TcpCounters tcp;
};

// Calls visit(context, group, name, value) for every counter, group being
// "arp", "ipv4", "icmp", "udp" or "tcp".
using CounterVisitor = void (*)(void* context, const char* group, const char* name, uint64_t value);
void visit_counters(const NetCounters& counters, CounterVisitor visit, void* context);
// The same for one interface's counters (group = the interface's name).
void visit_interface_counters(const InterfaceCounters& counters, const char* name,
                              CounterVisitor visit, void* context);

}  // namespace net
