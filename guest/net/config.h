// Tunables of one NetStack. The defaults follow Linux where Linux has a
// knob (named in the comment) and the RFCs where they set a bound; tests
// shorten the long timers.
#pragma once

#include <stdint.h>

namespace net {

inline constexpr uint64_t kMillisecond = 1000 * 1000;
inline constexpr uint64_t kSecond = 1000 * kMillisecond;

struct NetConfig {
  // SO_RCVBUF / SO_SNDBUF as getsockopt reports them. As on Linux, setsockopt
  // stores twice the requested value and TCP uses half of it for data, so
  // SO_RCVBUF=N gives a receive window of N bytes (socket(7)).
  uint32_t default_rcvbuf = 256 * 1024;   // 128 KiB TCP receive window
  uint32_t default_sndbuf = 256 * 1024;   // 128 KiB TCP send buffer
  uint32_t max_buffer = 8 * 1024 * 1024;  // net.core.rmem_max/wmem_max, doubled
  uint32_t min_rcvbuf = 2304;             // SOCK_MIN_RCVBUF
  uint32_t min_sndbuf = 4608;             // SOCK_MIN_SNDBUF

  // TCP (RFC 6298 for the retransmission timer; RFC 1122 4.2.3.2 for
  // delayed ACKs: at most 500 ms, Linux uses 40 ms).
  uint64_t tcp_initial_rto_ns = 1 * kSecond;
  uint64_t tcp_min_rto_ns = 200 * kMillisecond;  // Linux TCP_RTO_MIN
  uint64_t tcp_max_rto_ns = 60 * kSecond;        // RFC 6298 2.5 upper bound
  uint64_t tcp_delayed_ack_ns = 40 * kMillisecond;
  uint64_t tcp_time_wait_ns = 60 * kSecond;      // 2*MSL, Linux TCP_TIMEWAIT_LEN
  uint64_t tcp_fin_wait2_ns = 60 * kSecond;      // tcp_fin_timeout (orphans only)
  uint32_t tcp_syn_retries = 6;                  // tcp_syn_retries
  uint32_t tcp_synack_retries = 5;               // tcp_synack_retries
  uint32_t tcp_data_retries = 15;                // tcp_retries2

  // ARP (RFC 826; timers as Linux's neighbour defaults, roughly).
  uint64_t arp_reachable_ns = 60 * kSecond;
  uint64_t arp_retry_ns = 1 * kSecond;
  uint32_t arp_max_requests = 3;          // then the entry fails
  uint32_t arp_queue_per_entry = 16;      // packets waiting for resolution

  // Ports for implicit binds (ip_local_port_range).
  uint16_t ephemeral_port_first = 32768;
  uint16_t ephemeral_port_last = 60999;

  uint32_t max_sockets = 4096;
  uint32_t loopback_queue_limit = 1024;   // packets
};

}  // namespace net
