// Which frames from the guest may make libslirp open a host socket: a TCP
// SYN (a connection out, or to the host's loopback), any UDP datagram but
// DHCP (slirp opens one socket per guest source port, DNS forwarding
// included), an ICMP echo request to an address other than slirp's own (a
// ping socket each), and IPv4 fragments (their datagram may be any of
// these). ARP, TCP segments of existing connections, DHCP and pings of
// slirp's addresses never open one. Used to hold the guest to a socket
// budget (slirp_backend.h); IPv6 is off in this VMM's slirp.
#pragma once

#include <cstdint>
#include <span>

namespace vmm::net {

// `host` and `dns`: slirp's own addresses (host byte order), answered
// inside slirp.
bool may_open_host_socket(std::span<const uint8_t> frame, uint32_t host, uint32_t dns);

}  // namespace vmm::net
