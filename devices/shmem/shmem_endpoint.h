// The host's end of the shared-memory device: consumes the guest-to-host
// ring, produces the host-to-guest ring, reads the guest's status line. The
// guest is hostile: every value it wrote is read once and checked here (ring
// indices and slot lengths by the ring classes of abi/shmem_ring.h), and the
// geometry comes from the host's own copy, never from the shared header.
#pragma once

#include <cstdint>
#include <span>

#include "abi/shmem_ring.h"
#include "hv/core/result.h"

namespace vmm {

struct GuestStatusReading {
  shmem::GuestState state;
  shmem::ShmemError error;  // kBadGuestState / kBadGuestFeatures; kNone if the line is sane
  uint64_t bad_value;       // what the guest wrote, when error is set
};

class ShmemEndpoint {
 public:
  // `region` holds a header written by initialise_shmem_header() and must
  // stay mapped for the endpoint's life.
  static Result<ShmemEndpoint> attach(std::span<uint8_t> region);

  // Move-only: two copies would be two producers on a single-producer ring.
  ShmemEndpoint(ShmemEndpoint&&) = default;
  ShmemEndpoint& operator=(ShmemEndpoint&&) = default;
  ShmemEndpoint(const ShmemEndpoint&) = delete;
  ShmemEndpoint& operator=(const ShmemEndpoint&) = delete;

  GuestStatusReading read_guest_status() const;

  // The next frame from the guest, copied into `buffer`.
  shmem::RingResult receive(std::span<uint8_t> buffer) {
    return from_guest_.try_pop(buffer.data(), clamp_capacity(buffer.size()));
  }
  // kDone when send() would find a free slot.
  shmem::RingResult check_room_for_guest() { return to_guest_.check_room(); }
  shmem::RingResult send(std::span<const uint8_t> frame) {
    return to_guest_.try_push(frame.data(), clamp_capacity(frame.size()));
  }

  // Informational for the guest (relaxed stores): the guest may poll it to
  // learn that nobody is listening, and why.
  void publish_state(shmem::HostState state, shmem::ShmemError error);
  void publish_counters(uint64_t frames_to_guest, uint64_t frames_from_guest, uint64_t drops);

  uint32_t slots_per_ring() const { return slots_per_ring_; }

 private:
  ShmemEndpoint(shmem::Header* header, uint32_t slots) : header_(header), slots_per_ring_(slots) {}
  static uint32_t clamp_capacity(size_t n) { return n > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(n); }

  shmem::Header* header_;
  uint32_t slots_per_ring_;
  uint64_t host_features_ = 0;  // what the host offered (version 1: none)
  shmem::RingConsumer from_guest_;
  shmem::RingProducer to_guest_;
};

}  // namespace vmm
