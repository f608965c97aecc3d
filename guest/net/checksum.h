// The Internet checksum (RFC 1071): the ones' complement of the ones'
// complement sum of 16-bit big-endian words. Used by IPv4 (RFC 791), ICMP
// (RFC 792), UDP (RFC 768) and TCP (RFC 9293 3.1), the last two over a
// pseudo-header as well.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

namespace net {

class InternetChecksum {
 public:
  // Adds bytes; chunks of any length may follow one another.
  void add(const uint8_t* data, size_t len);
  void add_u16(uint16_t value);
  void add_u32(uint32_t value) { add_u16(static_cast<uint16_t>(value >> 16)); add_u16(static_cast<uint16_t>(value)); }
  // The checksum field value: for a received message whose checksum field
  // was included in the sum, 0 means the checksum is correct.
  uint16_t finish() const;

 private:
  uint64_t sum_ = 0;
  bool odd_ = false;  // an odd number of bytes so far: next byte is a low byte
};

// Checksum of one contiguous block.
uint16_t internet_checksum(const uint8_t* data, size_t len);

// The UDP/TCP pseudo-header (source, destination, zero, protocol, length).
void add_pseudo_header(InternetChecksum& sum, Ipv4Addr source, Ipv4Addr destination,
                       uint8_t protocol, uint16_t length);

// Checksum of a UDP/TCP message with its pseudo-header.
uint16_t transport_checksum(Ipv4Addr source, Ipv4Addr destination, uint8_t protocol,
                            const uint8_t* message, size_t len);

}  // namespace net
