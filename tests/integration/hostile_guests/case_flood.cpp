// A transmit flood from a guest that never posts a receive buffer: 20,000
// ARP requests for libslirp's DNS address, each answered at once, so as
// many replies pile up for a guest with nowhere to put them. The VMM holds
// at most 256 of them (SlirpBackend::kMaxHeldFrames) and counts the rest
// as rx_drops_no_buffer; the device stays healthy. Then buffers at last,
// and an ARP round trip for the gateway (a fresh reply, not a held one).
//   hostile: tx-flood: frames=N sent=N needs_reset=0|1 status=0xNN uart=.. shm0_arp=.. net_arp=..
#include "aftermath.h"
#include "console.h"

namespace hg {

namespace {

constexpr uint32_t kFloodFrames = 20000;

// Up to a ringful per notification; false if the device stops returning
// the chains. *sent counts the frames it returned. The first ringful puts
// the request in every slot's buffer and descriptor; later ones only
// publish the slots again.
bool flood(NetDevice& net, uint32_t* sent) {
  uint8_t request[kArpFrameBytes];
  build_arp_request(kVirtioFloodArp, request);
  while (*sent < kFloodFrames) {
    uint32_t batch = kFloodFrames - *sent < net.tx.size ? kFloodFrames - *sent : net.tx.size;
    for (uint32_t i = 0; i < batch; ++i) {
      if (*sent == 0) net.queue_frame(request, sizeof request, false);
      else net.tx.publish(net.tx.next_avail() % net.tx.size);
    }
    net.mmio.notify(virtio::net_spec::kTransmitQueue);
    if (!net.wait_tx_done(5000)) return false;
    *sent += batch;
  }
  return true;
}

}  // namespace

void case_tx_flood(Env& env) {
  NetDevice& net = env.net;
  must(net.bring_up(virtio::kFeatureVersion1), "bring-up");
  uint32_t sent = 0;
  bool all_sent = flood(net, &sent);
  bool needs_reset = net.mmio.needs_reset();
  uint32_t status = net.mmio.status();
  bool uart = uart_scratch_works();
  ShmArp shm0 = env.shm.arp_round_trip();
  net.post_rx_buffers();
  bool net_arp = net.arp_round_trip(kVirtioArp);
  Line("tx-flood")
      .num("frames", kFloodFrames)
      .num("sent", sent)
      .flag("needs_reset", needs_reset)
      .hex("status", status)
      .flag("uart", uart)
      .text("shm0_arp", shm_arp_text(shm0))
      .flag("net_arp", net_arp)
      .end();
  must(all_sent, "every flood frame returned");
  must(uart, "uart");
  must(shm0 != ShmArp::kFailed, "shm0 round trip");
  must(net_arp, "virtio-net round trip after the flood");
}

}  // namespace hg
