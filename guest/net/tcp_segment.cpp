#include "tcp_segment.h"

namespace net {

static constexpr uint8_t kOptionEnd = 0;
static constexpr uint8_t kOptionNop = 1;
static constexpr uint8_t kOptionMss = 2;
static constexpr uint8_t kOptionWindowScale = 3;

// RFC 9293 3.2: options are kind, or kind + length + data; an option whose
// length runs past the header, or a length below 2, makes the segment
// malformed.
static bool parse_options(const uint8_t* p, size_t len, TcpSegment* out) {
  size_t i = 0;
  while (i < len) {
    uint8_t kind = p[i];
    if (kind == kOptionEnd) break;
    if (kind == kOptionNop) {
      ++i;
      continue;
    }
    if (i + 1 >= len) return false;
    uint8_t option_len = p[i + 1];
    if (option_len < 2 || option_len > len - i) return false;
    if (kind == kOptionMss && option_len == 4) {
      out->has_mss = true;
      out->mss = load_be16(p + i + 2);
    } else if (kind == kOptionWindowScale && option_len == 3) {
      out->has_window_scale = true;
      // RFC 7323 2.3: a shift above 14 is used as 14.
      out->window_scale = p[i + 2] > kTcpMaxWindowScale ? kTcpMaxWindowScale : p[i + 2];
    }
    i += option_len;
  }
  return true;
}

bool parse_tcp_segment(ByteView bytes, TcpSegment* out) {
  if (bytes.len < kTcpHeaderLen) return false;
  const uint8_t* p = bytes.data;
  size_t header_len = static_cast<size_t>(p[12] >> 4) * 4;
  if (header_len < kTcpHeaderLen || header_len > bytes.len) return false;
  *out = TcpSegment{};
  out->source_port = load_be16(p);
  out->destination_port = load_be16(p + 2);
  out->seq = load_be32(p + 4);
  out->ack = load_be32(p + 8);
  out->flags = p[13] & 0x3f;
  out->window = load_be16(p + 14);
  if (!parse_options(p + kTcpHeaderLen, header_len - kTcpHeaderLen, out)) return false;
  out->data = p + header_len;
  out->data_len = static_cast<uint32_t>(bytes.len - header_len);
  return true;
}

size_t write_tcp_syn_options(uint8_t* options, uint16_t mss, bool window_scale, uint8_t shift) {
  options[0] = kOptionMss;
  options[1] = 4;
  store_be16(options + 2, mss);
  if (!window_scale) return 4;
  options[4] = kOptionNop;
  options[5] = kOptionWindowScale;
  options[6] = 3;
  options[7] = shift;
  return kTcpSynOptionsLen;
}

}  // namespace net
