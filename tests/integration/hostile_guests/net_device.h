// A minimal polled virtio-net driver (virtio 1.2 §5.1) over VirtioMmio: one
// receive and one transmit queue, VIRTIO_F_VERSION_1 and nothing else the
// frames need (so the header is the 12-byte virtio_net_hdr, §5.1.6), no
// interrupts. The hostile cases use it to bring the device up, to break it,
// and to prove it works again after a reset.
#pragma once

#include <stdint.h>

#include "abi/virtio/net.h"
#include "arp.h"
#include "virtio_mmio.h"
#include "virtq.h"

namespace hg {

struct NetDevice {
  VirtioMmio mmio;
  Virtq rx;
  Virtq tx;

  // Reset, negotiate `features`, both queues set up fresh, DRIVER_OK
  // (virtio 1.2 §3.1.1); true when Status then reads all four steps.
  bool bring_up(uint64_t features);
  // Reset and fresh rings, Status left at 0: a case then writes the
  // registers its own way. False if the reset never completed or the device
  // has no queues.
  bool prepare();
  // prepare(), then negotiate `features`. False if FEATURES_OK did not stick.
  bool start(uint64_t features) { return prepare() && mmio.negotiate(features); }
  // QueueNum = `size` (whatever it is) for queue `q`, rings at the layout.h
  // places, QueueReady = 1.
  void set_up_queue(uint16_t q, uint32_t size);
  // The size the guest's rings use: kQueueSize, or less if QueueNumMax is.
  uint16_t ring_size() const { return rx.size; }

  // One receive buffer per receive descriptor, then a notification.
  void post_rx_buffers();
  // `frame` behind a zero header in the next transmit slot, published and
  // notified; does not wait.
  void queue_frame(const uint8_t* frame, uint32_t length, bool notify = true);
  // Waits until the device returned every transmit chain published so far.
  bool wait_tx_done(uint32_t ms);
  // An ARP request out, its reply in, within about a second; receive
  // buffers must be posted. Frames that are not the reply are dropped.
  bool arp_round_trip(const ArpPeer& peer);
  // After a reset: bring_up(VERSION_1), buffers, and an ARP round trip.
  bool recover();
};

}  // namespace hg
