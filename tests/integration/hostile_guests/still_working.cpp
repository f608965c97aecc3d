#include "still_working.h"

#include "console.h"

namespace hg {

StillWorking check_still_working(Env& env) {
  StillWorking s;
  s.uart = uart_scratch_works();
  s.net_arp = env.net.recover();
  s.shm0 = env.shm.arp_round_trip();
  return s;
}

void finish(Line& line, const StillWorking& s) {
  line.flag("uart", s.uart).flag("net_arp", s.net_arp).text("shm0_arp", shm_arp_text(s.shm0)).end();
  must(s.uart, "uart");
  must(s.net_arp, "virtio-net round trip");
  must(s.shm0 != ShmArp::kFailed, "shm0 round trip");
}

}  // namespace hg
