// case=none: nothing hostile, both round trips. What the host test boots
// first to learn the VMM's memory when no guest misbehaves.
//   hostile: none: net_arp=0|1 shm0_arp=0|1|absent uart=0|1
#include "cases.h"
#include "console.h"
#include "report.h"

namespace hg {

void case_none(Env& env) {
  bool net_arp = env.net.recover();
  ShmArp shm0 = env.shm.arp_round_trip();
  bool uart = uart_scratch_works();
  Line("none").flag("net_arp", net_arp).text("shm0_arp", shm_arp_text(shm0)).flag("uart", uart).end();
  must(net_arp, "virtio-net round trip");
  must(shm0 != ShmArp::kFailed, "shm0 round trip");
  must(uart, "uart");
}

}  // namespace hg
