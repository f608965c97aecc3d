// Ethernet II framing (IEEE 802.3 with an EtherType, RFC 894 for IPv4).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

namespace net {

inline constexpr size_t kEthernetHeaderLen = 14;
inline constexpr size_t kEthernetMinFrame = 60;  // without the FCS; shorter frames are padded
inline constexpr uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr uint16_t kEtherTypeArp = 0x0806;

struct EthernetFrame {
  MacAddress destination;
  MacAddress source;
  uint16_t ether_type;
  ByteView payload;  // may include padding beyond the upper layer's length
};

// False if the frame is too short to hold a header.
bool parse_ethernet(ByteView frame, EthernetFrame* out);

void write_ethernet_header(uint8_t* frame, const MacAddress& destination,
                           const MacAddress& source, uint16_t ether_type);

// Zero-pads a frame to the Ethernet minimum; returns the length to send.
// The buffer must have room for kEthernetMinFrame bytes.
size_t pad_ethernet_frame(uint8_t* frame, size_t len);

}  // namespace net
