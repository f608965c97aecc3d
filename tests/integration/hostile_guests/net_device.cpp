#include "net_device.h"

#include "deadline.h"
#include "hw.h"
#include "layout.h"

namespace hg {

using namespace virtio;

namespace {

constexpr uint32_t kNetHeaderBytes = sizeof(net_spec::Header);  // 12 with VERSION_1 (§5.1.6)

uint64_t buffer_gpa(uint64_t base, uint16_t slot) { return base + uint64_t{slot} * kBufferBytes; }

}  // namespace

bool NetDevice::prepare() {
  if (!mmio.reset()) return false;
  uint32_t max = mmio.queue_num_max(net_spec::kReceiveQueue);
  uint32_t tx_max = mmio.queue_num_max(net_spec::kTransmitQueue);
  if (tx_max < max) max = tx_max;
  uint16_t size = kQueueSize;
  while (size > max && size > 1) size /= 2;
  rx.init(net_spec::kReceiveQueue, size);
  tx.init(net_spec::kTransmitQueue, size);
  return max != 0;
}

void NetDevice::set_up_queue(uint16_t q, uint32_t size) {
  const Virtq& ring = q == net_spec::kReceiveQueue ? rx : tx;
  mmio.set_up_queue(q, size, ring.desc_gpa(), ring.avail_gpa(), ring.used_gpa());
}

bool NetDevice::bring_up(uint64_t features) {
  if (!start(features)) return false;
  set_up_queue(net_spec::kReceiveQueue, rx.size);
  set_up_queue(net_spec::kTransmitQueue, tx.size);
  mmio.add_status(kStatusDriverOk);
  constexpr uint32_t kAll = kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk | kStatusDriverOk;
  return mmio.status() == kAll;
}

void NetDevice::post_rx_buffers() {
  for (uint16_t i = 0; i < rx.size; ++i) {
    rx.set_desc(i, buffer_gpa(kRxBuffersGpa, i), kBufferBytes, kDescWrite, 0);
    rx.publish(i);
  }
  mmio.notify(net_spec::kReceiveQueue);
}

void NetDevice::queue_frame(const uint8_t* frame, uint32_t length, bool notify) {
  uint16_t slot = tx.next_avail() % tx.size;
  uint8_t* buffer = phys<uint8_t>(buffer_gpa(kTxBuffersGpa, slot));
  for (uint32_t i = 0; i < kNetHeaderBytes; ++i) buffer[i] = 0;  // no offloads, GSO_NONE
  for (uint32_t i = 0; i < length; ++i) buffer[kNetHeaderBytes + i] = frame[i];
  tx.set_desc(slot, phys_of(buffer), kNetHeaderBytes + length, 0, 0);
  tx.publish(slot);
  if (notify) mmio.notify(net_spec::kTransmitQueue);
}

bool NetDevice::wait_tx_done(uint32_t ms) {
  Deadline deadline(ms);
  while (tx.used_idx() != tx.next_avail())
    if (deadline.expired()) return false;
  tx.last_used = tx.next_avail();
  return true;
}

bool NetDevice::arp_round_trip(const ArpPeer& peer) {
  uint8_t request[kArpFrameBytes];
  build_arp_request(peer, request);
  queue_frame(request, sizeof request);
  Deadline deadline(1500);
  bool answered = false;
  while (!answered && !deadline.expired()) {
    VirtqUsedElem used;
    while (!answered && rx.take_used(&used)) {
      uint16_t id = static_cast<uint16_t>(used.id % rx.size);
      const uint8_t* buffer = phys<uint8_t>(buffer_gpa(kRxBuffersGpa, id));
      answered = used.len > kNetHeaderBytes && used.len <= kBufferBytes &&
                 is_arp_reply(peer, buffer + kNetHeaderBytes, used.len - kNetHeaderBytes);
      rx.publish(id);  // the buffer goes back at once
      mmio.notify(net_spec::kReceiveQueue);
    }
  }
  return answered && wait_tx_done(1000);
}

bool NetDevice::recover() {
  if (!bring_up(kFeatureVersion1)) return false;
  post_rx_buffers();
  return arp_round_trip(kVirtioArp);
}

}  // namespace hg
