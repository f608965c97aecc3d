// Compiled with the guest kernel's flags (no hosted C++ library), to prove
// that abi/shmem_ring.h builds there and needs nothing beyond memcpy: the
// `shmem_ring_freestanding_symbols` test lists the object's undefined
// symbols.
#include "abi/shmem_ring.h"

extern "C" int shmem_freestanding_check(void* region, uint64_t size, const void* frame, void* buffer) {
  shmem::GuestRings rings;
  if (shmem::guest_attach(region, size, &rings) != shmem::ShmemError::kNone) return -1;
  shmem::guest_announce_ready(region, 0);
  shmem::RingResult pushed = rings.to_host.try_push(frame, 60);
  shmem::RingResult popped = rings.from_host.try_pop(buffer, shmem::kMaxFrameSize);
  shmem::guest_announce_stopped(region, popped.error);
  return static_cast<int>(pushed.status) + shmem::shmem_error_name(popped.error)[0];
}
