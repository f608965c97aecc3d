#include "socket_address.h"

#include "net_errno.h"
#include "socket_abi.h"

namespace net {

int read_sockaddr(const void* addr, uint32_t len, InetAddress* out) {
  *out = InetAddress{};
  if (addr == nullptr || len < sizeof(uint16_t)) return -err::kInval;
  SockAddrIn sin{};
  copy_bytes(&sin, addr, min_of<uint32_t>(len, sizeof sin));
  out->family = sin.family;
  if (sin.family == kAfUnspec && len < sizeof sin) return 0;  // AF_UNSPEC: only the family counts
  if (len < sizeof sin) return -err::kInval;
  out->address = be32_to_host(sin.addr_be);
  out->port = be16_to_host(sin.port_be);
  return 0;
}

void write_sockaddr_in(void* addr, uint32_t* len, Ipv4Addr address, uint16_t port) {
  if (addr == nullptr || len == nullptr) return;
  SockAddrIn sin{};
  sin.family = kAfInet;
  sin.port_be = host_to_be16(port);
  sin.addr_be = host_to_be32(address);
  copy_bytes(addr, &sin, min_of<uint32_t>(*len, sizeof sin));
  *len = sizeof sin;
}

}  // namespace net
