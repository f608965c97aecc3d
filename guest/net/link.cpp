#include "link.h"

#include "core.h"

namespace net {

void link_receive(NetCore& core, int iface_index, ByteView frame) {
  Interface* iface = core.interface(iface_index);
  if (iface == nullptr || iface->loopback) return;
  iface->counters.rx_frames++;
  iface->counters.rx_bytes += frame.len;
  EthernetFrame eth;
  if (!parse_ethernet(frame, &eth)) {
    iface->counters.rx_dropped_short++;
    return;
  }
  // No multicast groups are joined: only our address and broadcast.
  if (!(eth.destination == iface->mac) && !eth.destination.is_broadcast()) {
    iface->counters.rx_dropped_other_host++;
    return;
  }
  switch (eth.ether_type) {
    case kEtherTypeIpv4:
      core.ipv4.receive(iface_index, eth.payload);
      break;
    case kEtherTypeArp:
      core.arp.receive(iface_index, eth.payload);
      break;
    default:
      iface->counters.rx_dropped_ethertype++;
      break;
  }
}

bool link_transmit(NetCore& core, int iface_index, uint8_t* frame, size_t len) {
  Interface* iface = core.interface(iface_index);
  if (iface == nullptr || iface->device == nullptr) return false;
  if (len > kEthernetHeaderLen + iface->mtu) {
    iface->counters.tx_dropped_too_big++;
    return false;
  }
  len = pad_ethernet_frame(frame, len);
  if (!iface->device->transmit(frame, len)) {
    iface->counters.tx_dropped_device++;
    return false;
  }
  iface->counters.tx_frames++;
  iface->counters.tx_bytes += len;
  return true;
}

}  // namespace net
