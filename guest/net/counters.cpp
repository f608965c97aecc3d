#include "counters.h"

namespace net {

#define NET_VISIT_COUNTER(name) visit(context, group, #name, c.name);

static void visit_group(const ArpCounters& c, const char* group, CounterVisitor visit, void* context) {
  NET_ARP_COUNTERS(NET_VISIT_COUNTER)
}
static void visit_group(const Ipv4Counters& c, const char* group, CounterVisitor visit, void* context) {
  NET_IPV4_COUNTERS(NET_VISIT_COUNTER)
}
static void visit_group(const IcmpCounters& c, const char* group, CounterVisitor visit, void* context) {
  NET_ICMP_COUNTERS(NET_VISIT_COUNTER)
}
static void visit_group(const UdpCounters& c, const char* group, CounterVisitor visit, void* context) {
  NET_UDP_COUNTERS(NET_VISIT_COUNTER)
}
static void visit_group(const TcpCounters& c, const char* group, CounterVisitor visit, void* context) {
  NET_TCP_COUNTERS(NET_VISIT_COUNTER)
}

void visit_counters(const NetCounters& counters, CounterVisitor visit, void* context) {
  visit_group(counters.arp, "arp", visit, context);
  visit_group(counters.ipv4, "ipv4", visit, context);
  visit_group(counters.icmp, "icmp", visit, context);
  visit_group(counters.udp, "udp", visit, context);
  visit_group(counters.tcp, "tcp", visit, context);
}

void visit_interface_counters(const InterfaceCounters& c, const char* group,
                              CounterVisitor visit, void* context) {
  NET_INTERFACE_COUNTERS(NET_VISIT_COUNTER)
}

}  // namespace net
