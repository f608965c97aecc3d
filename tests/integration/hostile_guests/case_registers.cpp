// The device status steps of virtio 1.2 §3.1.1 out of order, and a driver
// that carries on after its feature negotiation failed (§2.2.2) and after
// it set FAILED. The VMM refuses each out-of-order step (Status reads back
// without it; logged once) and ignores queue registers outside queue
// set-up, so the device never starts; none of this is DEVICE_NEEDS_RESET,
// which is for broken queues. Each line adds features_ok=0|1 (FEATURES_OK
// accepted) in front of the common fields; status= shows whether DRIVER_OK
// took.
#include "aftermath.h"

namespace hg {

namespace {

using namespace virtio;

constexpr uint32_t kAck = kStatusAcknowledge;
constexpr uint32_t kDriver = kStatusDriver;

// The queues set up, DRIVER_OK tried and a frame notified, however the
// status steps went.
void carry_on(NetDevice& net) {
  net.set_up_queue(net_spec::kReceiveQueue, net.ring_size());
  net.set_up_queue(net_spec::kTransmitQueue, net.ring_size());
  net.mmio.add_status(kStatusDriverOk);
  uint8_t frame[60] = {};
  net.queue_frame(frame, sizeof frame);
}

}  // namespace

void case_regs_out_of_order(Env& env) {
  NetDevice& net = env.net;
  must(net.prepare(), "reset");
  net.mmio.write(mmio::kRegStatus, kDriver);                   // before ACKNOWLEDGE
  net.mmio.write(mmio::kRegStatus, kAck | kStatusFeaturesOk);  // before DRIVER
  net.mmio.write(mmio::kRegStatus, kAck);
  net.mmio.write(mmio::kRegStatus, kAck | kDriver);
  net.mmio.write(mmio::kRegDriverFeaturesSel, 1);
  net.mmio.write(mmio::kRegDriverFeatures, 1);  // VERSION_1, but never FEATURES_OK
  // Queues before FEATURES_OK, then DRIVER_OK before FEATURES_OK, a
  // thousand times over.
  net.set_up_queue(net_spec::kReceiveQueue, net.ring_size());
  net.set_up_queue(net_spec::kTransmitQueue, net.ring_size());
  for (int i = 0; i < 1000; ++i) net.mmio.write(mmio::kRegStatus, kAck | kDriver | kStatusDriverOk);
  uint8_t frame[60] = {};
  net.queue_frame(frame, sizeof frame);
  bool features_ok = net.mmio.status() & kStatusFeaturesOk;
  Aftermath a = observe_and_recover(env);
  Line line("regs-out-of-order");
  line.flag("features_ok", features_ok);
  finish(line, a);
}

// VIRTIO_NET_F_MAC without VERSION_1: a modern-only device refuses
// FEATURES_OK (§2.2.2, §6.2); the driver sets FAILED and writes on.
void case_regs_after_failed(Env& env) {
  NetDevice& net = env.net;
  bool features_ok = net.start(net_spec::kFeatureMac);
  net.mmio.add_status(kStatusFailed);
  carry_on(net);
  Aftermath a = observe_and_recover(env);
  Line line("regs-after-failed");
  line.flag("features_ok", features_ok);
  finish(line, a);
}

}  // namespace hg
