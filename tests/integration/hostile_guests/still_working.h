// What every case that does not break virtio-net does last: prove that the
// UART, virtio-net (an ARP round trip) and shm0 (when present) still work.
// Printed as the common tail of the case's line:
//   uart=0|1 net_arp=0|1 shm0_arp=0|1|absent
#pragma once

#include "cases.h"
#include "report.h"

namespace hg {

struct StillWorking {
  bool uart;
  bool net_arp;
  ShmArp shm0;
};

StillWorking check_still_working(Env& env);
// Adds the fields above to `line`, ends it, and records the must-checks.
void finish(Line& line, const StillWorking& s);

}  // namespace hg
