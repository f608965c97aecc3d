// What sits behind the shared-memory device on the host: where the guest's
// frames go and where frames for the guest come from. A network backend
// (virtio/'s NetBackend, through a small adapter) or a test double.
//
// Both calls come from the poller thread only, never concurrently with each
// other; an implementation fed by another thread (e.g. the device thread's
// io_context) hands frames across with its own queue.
#pragma once

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
};

}  // namespace vmm
