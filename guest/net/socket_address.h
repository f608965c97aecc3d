// struct sockaddr_in in and out of the socket calls, with Linux's length
// rules: input shorter than the structure is -EINVAL; output is truncated
// to the caller's room and *len set to the real size.
#pragma once

#include <stdint.h>

#include "bytes.h"

namespace net {

struct InetAddress {
  uint16_t family = 0;
  Ipv4Addr address = kIpv4Any;  // host byte order
  uint16_t port = 0;            // host byte order
};

// -EINVAL when addr is null or too short for its family; the family itself
// is the caller's to judge.
int read_sockaddr(const void* addr, uint32_t len, InetAddress* out);
void write_sockaddr_in(void* addr, uint32_t* len, Ipv4Addr address, uint16_t port);

}  // namespace net
