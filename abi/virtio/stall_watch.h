// A driver's guard against a notification the device never saw: buffers it
// holds that it stops consuming are notified again after a while, whatever
// the notification suppression says.
//
// Notification suppression (virtio 1.2 §2.7.10, with or without EVENT_IDX)
// is a store-buffer handshake: the driver stores avail->idx then loads the
// device's wish, the device stores its wish then loads avail->idx, and each
// side needs a full barrier between the two. If either barrier is missing,
// both sides can read the other's old value: the driver sees "no
// notification needed", the device sees no new buffer and goes idle. The
// loss is permanent, since every later check of the driver finds the same
// stale wish (an avail_event behind everything it publishes). QEMU before
// 8.1 with TCG and one vCPU drops the guest's barriers (its tcg_gen_mb elided
// them without CF_PARALLEL; fixed by "tcg: Do not elide memory barriers for
// !CF_PARALLEL in system mode", 2023) while its I/O thread runs the device:
// the bundled guest's transmit queue stalled for good that way.
//
// Freestanding; the clock is the caller's (any monotonic unit, the same as
// `patience`).
#pragma once

#include <stdint.h>

namespace virtio {

class StallWatch {
 public:
  explicit constexpr StallWatch(uint64_t patience) : patience_(patience) {}

  // Called before each notification decision. `used`: how many buffers the
  // device has given back so far (the driver's used index, mod 2^16);
  // `outstanding`: buffers published before this call and still held by the
  // device. True when some have sat there with no buffer given back for at
  // least `patience`: notify even if suppression says not to (a spurious
  // notification is harmless, §2.7.10). At most once a `patience` while the
  // device stays silent.
  // `now` is a callable returning the time, read only while buffers are
  // outstanding: an idle queue costs the transmit path no clock read.
  template <typename Now>
    requires requires(Now clock) { clock(); }
  bool notify_anyway(uint16_t used, uint16_t outstanding, Now now) {
    if (outstanding == 0) {
      watching_ = false;
      return false;
    }
    uint64_t t = now();
    if (!watching_ || used != used_seen_) {
      watching_ = true;
      used_seen_ = used;
      since_ = t;
      return false;
    }
    if (t - since_ < patience_) return false;
    since_ = t;
    return true;
  }
  bool notify_anyway(uint16_t used, uint16_t outstanding, uint64_t now) {
    return notify_anyway(used, outstanding, [now] { return now; });
  }

 private:
  uint64_t patience_;
  uint64_t since_ = 0;     // when the device was last seen making progress
  uint16_t used_seen_ = 0;
  bool watching_ = false;  // buffers were outstanding at the last call
};

}  // namespace virtio
