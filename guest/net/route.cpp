#include "route.h"

#include "net_errno.h"

namespace net {

int RouteTable::add(const Route& route) {
  if (route.prefix_len > 32 || route.iface < 0) return -err::kInval;
  Route normalized = route;
  normalized.destination &= prefix_mask(route.prefix_len);
  for (int i = 0; i < count_; ++i) {
    Route& existing = routes_[i];
    if (existing.destination == normalized.destination &&
        existing.prefix_len == normalized.prefix_len) {
      existing = normalized;  // replace, as "ip route replace"
      return 0;
    }
  }
  if (count_ == kMaxRoutes) return -err::kNoBufs;
  routes_[count_++] = normalized;
  return 0;
}

bool RouteTable::remove(Ipv4Addr destination, uint8_t prefix_len) {
  destination &= prefix_mask(prefix_len);
  for (int i = 0; i < count_; ++i) {
    if (routes_[i].destination == destination && routes_[i].prefix_len == prefix_len) {
      routes_[i] = routes_[--count_];
      return true;
    }
  }
  return false;
}

void RouteTable::remove_interface(int iface) {
  for (int i = 0; i < count_;) {
    if (routes_[i].iface == iface) routes_[i] = routes_[--count_]; else ++i;
  }
}

const Route* RouteTable::lookup(Ipv4Addr address) const {
  const Route* best = nullptr;
  for (int i = 0; i < count_; ++i) {
    const Route& r = routes_[i];
    if (((address ^ r.destination) & prefix_mask(r.prefix_len)) != 0) continue;
    if (best == nullptr || r.prefix_len > best->prefix_len) best = &r;
  }
  return best;
}

}  // namespace net
