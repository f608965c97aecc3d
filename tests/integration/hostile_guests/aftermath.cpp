#include "aftermath.h"

#include "console.h"

namespace hg {

Aftermath observe_and_recover(Env& env, uint32_t wait_ms) {
  Aftermath a;
  a.needs_reset = env.net.mmio.wait_needs_reset(wait_ms);
  a.status = env.net.mmio.status();
  a.used = env.net.tx.used_idx();
  a.uart = uart_scratch_works();
  a.shm0 = env.shm.arp_round_trip();
  a.recovered = env.net.recover();
  return a;
}

void finish(Line& line, const Aftermath& a) {
  line.flag("needs_reset", a.needs_reset)
      .hex("status", a.status)
      .num("used", a.used)
      .flag("uart", a.uart)
      .text("shm0_arp", shm_arp_text(a.shm0))
      .flag("recovered", a.recovered)
      .end();
  must(a.uart, "uart");
  must(a.shm0 != ShmArp::kFailed, "shm0 round trip");
  must(a.recovered, "virtio-net recovery");
}

}  // namespace hg
