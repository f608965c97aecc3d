// What every virtio-net case does once it has broken the device: read its
// Status (waiting a while for DEVICE_NEEDS_RESET, which the device sets on
// its own thread), prove the UART and shm0 still work, then reset the
// device (Status = 0, virtio 1.2 §2.4: always allowed, and the way out of
// DEVICE_NEEDS_RESET, §2.1.2) and prove it works again with an ARP round
// trip. Printed as the common tail of the case's line:
//   needs_reset=0|1 status=0xNN used=N uart=0|1 shm0_arp=0|1|absent recovered=0|1
#pragma once

#include <stdint.h>

#include "cases.h"
#include "report.h"

namespace hg {

struct Aftermath {
  bool needs_reset;
  uint32_t status;     // Status when the wait ended
  uint16_t used;       // the transmit ring's used idx: chains the device returned
  bool uart;
  ShmArp shm0;
  bool recovered;
};

// `wait_ms`: how long to wait for DEVICE_NEEDS_RESET before reading it as 0.
Aftermath observe_and_recover(Env& env, uint32_t wait_ms = 1000);
// Adds the fields above to `line`, ends it, and records the must-checks:
// the UART, shm0 (when present) and the recovery.
void finish(Line& line, const Aftermath& a);

}  // namespace hg
