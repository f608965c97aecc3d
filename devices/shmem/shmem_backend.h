// What sits behind the shared-memory device on the host: where the guest's
// frames go and where frames for the guest come from. A network backend
// (virtio/'s NetBackend, through a small adapter) or a test double.
//
// Every call except wake() comes from the poller thread only, never
// concurrently with another; an implementation fed by another thread hands
// frames across with its own queue. A backend with host-side work of its own
// (a user-mode network stack's sockets and timers) does that work on the
// poller thread too, in poll_host() and wait_for_host(), so that the
// host-to-guest ring has exactly one producer.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

namespace vmm {

class ShmemBackend {
 public:
  virtual ~ShmemBackend() = default;

  // A frame the guest sent (1..1514 bytes), already copied out of shared
  // memory, valid during the call only. False: the backend dropped it.
  virtual bool deliver_to_host(std::span<const uint8_t> frame) = 0;

  // Copies the next frame for the guest into `buffer` (1514 bytes) and
  // returns its length; 0 when none is waiting. A return above
  // buffer.size() means the waiting frame was too long and has been
  // discarded. Called only when the guest's ring has a free slot, so a
  // backend that keeps its frames while this is not called gets backpressure.
  virtual size_t fetch_for_guest(std::span<uint8_t> buffer) = 0;

  // Runs the host-side work that is ready now, without blocking. Called once
  // per pass over the rings.
  virtual void poll_host() {}

  // The poller is idle and would sleep for `timeout`: instead, wait at most
  // that long for host-side work, run it, and return true. False: nothing to
  // wait for here, the poller sleeps by itself.
  virtual bool wait_for_host(std::chrono::nanoseconds /*timeout*/) { return false; }

  // Ends a wait_for_host() early. Any thread (the poller's stop request).
  virtual void wake() {}
};

}  // namespace vmm
