// Queue set-up that breaks virtio 1.2 §2.7 / §4.2.3.2: a transmit queue of
// size 0 or not a power of 2 made ready, DRIVER_OK written anyway and a
// frame notified; and QueueReady written before the ring addresses. The
// VMM checks the layout at the QueueReady write and flags
// DEVICE_NEEDS_RESET there; the DRIVER_OK after it is refused, so the
// device never touches the rings.
#include "aftermath.h"
#include "hw.h"
#include "layout.h"

namespace hg {

namespace {

using namespace virtio;

void bad_size_then_notify(Env& env, const char* check, const char* variant, uint32_t size) {
  NetDevice& net = env.net;
  must(net.start(kFeatureVersion1), "feature negotiation");
  net.set_up_queue(net_spec::kReceiveQueue, net.ring_size());
  net.set_up_queue(net_spec::kTransmitQueue, size);
  net.mmio.add_status(kStatusDriverOk);
  uint8_t frame[60] = {};
  net.queue_frame(frame, sizeof frame);
  Aftermath a = observe_and_recover(env);
  Line line(check, variant);
  finish(line, a);
}

}  // namespace

void case_queue_size_0(Env& env) { bad_size_then_notify(env, "queue-size-0", nullptr, 0); }

void case_queue_size_npot(Env& env) {
  bad_size_then_notify(env, "queue-size-npot", "3", 3);
  bad_size_then_notify(env, "queue-size-npot", "255", 255);
}

// With the addresses still 0 the three rings would lie on top of each other
// at guest-physical 0.
void case_queue_ready_early(Env& env) {
  NetDevice& net = env.net;
  must(net.start(kFeatureVersion1), "feature negotiation");
  net.set_up_queue(net_spec::kReceiveQueue, net.ring_size());
  net.mmio.write(mmio::kRegQueueSel, net_spec::kTransmitQueue);
  net.mmio.write(mmio::kRegQueueNum, net.ring_size());
  net.mmio.write(mmio::kRegQueueReady, 1);
  net.mmio.write(mmio::kRegQueueDescLow, static_cast<uint32_t>(net.tx.desc_gpa()));
  net.mmio.write(mmio::kRegQueueDriverLow, static_cast<uint32_t>(net.tx.avail_gpa()));
  net.mmio.write(mmio::kRegQueueDeviceLow, static_cast<uint32_t>(net.tx.used_gpa()));
  Aftermath a = observe_and_recover(env);
  Line line("queue-ready-early");
  finish(line, a);
}

}  // namespace hg
