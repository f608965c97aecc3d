#include "core.h"

namespace net {

NetCore::NetCore(NetEnv& environment, const NetConfig& configuration)
    : env(environment),
      config(configuration),
      arp(*this),
      ipv4(*this),
      icmp(*this),
      udp(*this),
      tcp(*this),
      unix_sockets(*this),
      loopback(*this),
      sockets(*this) {}

NetCore::~NetCore() {
  sockets.release_all();
  tcp.release_all();
  loopback.release_all();
  arp.flush(-1);
  if (tx_frame != nullptr) env.release(tx_frame, kTxFrameCapacity);
  if (tx_fragment != nullptr) env.release(tx_fragment, kTxFragmentCapacity);
}

bool NetCore::allocate_buffers() {
  tx_frame = static_cast<uint8_t*>(env.allocate(kTxFrameCapacity));
  tx_fragment = static_cast<uint8_t*>(env.allocate(kTxFragmentCapacity));
  return tx_frame != nullptr && tx_fragment != nullptr;
}

void NetCore::recompute_deadline() {
  earliest_deadline = min_of(arp.next_deadline(), tcp.next_deadline());
}

}  // namespace net
