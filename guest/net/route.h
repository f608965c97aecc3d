// The routing table: connected routes (one per interface subnet), static
// routes and a default gateway; lookups pick the longest matching prefix
// (RFC 1812 5.2.4.3).
#pragma once

#include <stdint.h>

#include "bytes.h"

namespace net {

inline constexpr int kMaxRoutes = 32;

struct Route {
  Ipv4Addr destination = 0;  // network address (masked)
  uint8_t prefix_len = 0;
  Ipv4Addr gateway = 0;      // 0: destination is on the link
  int iface = -1;
};

class RouteTable {
 public:
  // Adds or replaces the route for destination/prefix_len: 0, -EINVAL (bad
  // prefix or interface), -ENOBUFS (table full).
  int add(const Route& route);
  // Removes the route for exactly destination/prefix_len; false if none.
  bool remove(Ipv4Addr destination, uint8_t prefix_len);
  // Removes every route through an interface.
  void remove_interface(int iface);
  // The best route to `address`, or nullptr.
  const Route* lookup(Ipv4Addr address) const;

  int count() const { return count_; }
  const Route& at(int i) const { return routes_[i]; }

 private:
  Route routes_[kMaxRoutes];
  int count_ = 0;
};

}  // namespace net
