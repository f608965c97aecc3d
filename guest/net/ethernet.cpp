#include "ethernet.h"

namespace net {

bool parse_ethernet(ByteView frame, EthernetFrame* out) {
  if (frame.len < kEthernetHeaderLen) return false;
  out->destination = MacAddress::load(frame.data);
  out->source = MacAddress::load(frame.data + 6);
  out->ether_type = load_be16(frame.data + 12);
  out->payload = frame.from(kEthernetHeaderLen);
  return true;
}

void write_ethernet_header(uint8_t* frame, const MacAddress& destination,
                           const MacAddress& source, uint16_t ether_type) {
  destination.store(frame);
  source.store(frame + 6);
  store_be16(frame + 12, ether_type);
}

size_t pad_ethernet_frame(uint8_t* frame, size_t len) {
  if (len >= kEthernetMinFrame) return len;
  zero_bytes(frame + len, kEthernetMinFrame - len);
  return kEthernetMinFrame;
}

}  // namespace net
