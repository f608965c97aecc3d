// shm0: the shared-memory device (abi/shmem_ring.h) as a network
// interface. Frames go to the host by a store into the guest-to-host ring
// and come back by polling the host-to-guest ring: no register, no
// doorbell, no interrupt, so sending and receiving cost no VM exit. The
// price is polling: the network glue polls it before a socket call sleeps
// and from the idle loop (idle=poll keeps a CPU there without HLT).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/shmem_ring.h"
#include "dev/shm/ring_holder.h"
#include "mm/shm_region.h"
#include "net/interface.h"

namespace shm {

class ShmNetDevice final : public net::NetDevice {
 public:
  // Checks the region (reserved in the memory map, mapped write-back, a
  // header the host wrote), attaches to its rings and tells the host it is
  // ready. nullptr with a printed reason otherwise.
  static ShmNetDevice* create(const Region& region);

  bool transmit(const uint8_t* frame, size_t len) override;
  using Deliver = void (*)(void* ctx, const uint8_t* frame, size_t len);
  // Hands up to budget frames from the host to deliver(); how many.
  uint32_t poll_rx(uint32_t budget, Deliver deliver, void* ctx);
  bool broken() const { return broken_; }

  // Hands the rings to user process pid (RingHolder): the kernel neither
  // sends through them nor polls them until take_back(pid). 0, -EBUSY
  // (a process holds them) or -EIO (the rings are broken).
  int64_t hand_over(uint32_t pid);
  // Process pid has ended: if it held the rings, the kernel resumes from the
  // index lines as the process left them (guest_attach) and announces the
  // guest side ready again (the process may have announced it stopped); a
  // process that broke them leaves them stopped (the host stopped the
  // device too).
  // True if pid held them.
  bool take_back(uint32_t pid);
  bool handed_over() const { return holder_.held_by_process(); }
  bool held_by(uint32_t pid) const { return holder_.holder() == pid; }
  uint64_t region_phys() const { return phys_; }
  uint64_t region_size() const { return size_; }
  net::MacAddress mac() const { return kMac; }

  struct Counters {
    uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes, tx_ring_full;
  };
  const Counters& counters() const { return counters_; }

  // Locally administered (IEEE 802: bit 1 of the first byte), unicast.
  static constexpr net::MacAddress kMac = {{0x02, 0x00, 0x00, 0x00, 0x03, 0x0f}};

 private:
  ShmNetDevice() = default;
  void stop(shmem::ShmemError why, const char* where);

  void* base_ = nullptr;
  uint64_t phys_ = 0;
  uint64_t size_ = 0;
  RingHolder holder_;
  shmem::GuestRings rings_{};
  bool broken_ = false;
  Counters counters_{};
  alignas(16) uint8_t rx_buffer_[shmem::kMaxFrameSize];
};

}  // namespace shm
