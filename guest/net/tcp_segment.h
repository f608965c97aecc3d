// The TCP header (RFC 9293 3.1) and the options this stack uses: MSS
// (RFC 9293 3.7.1) and window scale (RFC 7323 2). Parsing validates every
// length against the received bytes.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

namespace net {

inline constexpr uint8_t kTcpFin = 0x01;
inline constexpr uint8_t kTcpSyn = 0x02;
inline constexpr uint8_t kTcpRst = 0x04;
inline constexpr uint8_t kTcpPsh = 0x08;
inline constexpr uint8_t kTcpAck = 0x10;
inline constexpr uint8_t kTcpUrg = 0x20;

inline constexpr size_t kTcpHeaderLen = 20;
inline constexpr size_t kTcpSynOptionsLen = 8;  // MSS (4) + NOP + window scale (3)
inline constexpr uint16_t kTcpDefaultMss = 536;  // RFC 9293 3.7.1 without the option
inline constexpr uint8_t kTcpMaxWindowScale = 14;  // RFC 7323 2.3

struct TcpSegment {
  uint16_t source_port = 0;
  uint16_t destination_port = 0;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;
  uint16_t window = 0;  // as sent: not yet scaled
  bool has_mss = false;
  uint16_t mss = 0;
  bool has_window_scale = false;
  uint8_t window_scale = 0;
  const uint8_t* data = nullptr;
  uint32_t data_len = 0;

  bool syn() const { return flags & kTcpSyn; }
  bool fin() const { return flags & kTcpFin; }
  bool rst() const { return flags & kTcpRst; }
  bool has_ack() const { return flags & kTcpAck; }
  // Sequence space the segment occupies (RFC 9293 3.4: SYN and FIN count).
  uint32_t seg_len() const { return data_len + (syn() ? 1 : 0) + (fin() ? 1 : 0); }
};

// False if the header or its options are malformed.
bool parse_tcp_segment(ByteView bytes, TcpSegment* out);

// Writes the SYN options; returns their length (kTcpSynOptionsLen, or 4
// without the window scale option).
size_t write_tcp_syn_options(uint8_t* options, uint16_t mss, bool window_scale, uint8_t shift);

}  // namespace net
