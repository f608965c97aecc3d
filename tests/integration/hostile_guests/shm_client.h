// The guest's end of the shared-memory device (abi/shmem_ring.h, the header
// the VMM compiles too): attach once, then ARP round trips over its rings
// (libslirp's 10.0.3.0/24 behind it). The rings keep private copies of the
// geometry and of the guest's own indices, so a case may scribble on the
// shared header and still use them.
#pragma once

#include <stdint.h>

#include "abi/shmem_ring.h"
#include "boot_info.h"

namespace hg {

enum class ShmArp { kAbsent, kFailed, kOk };

class ShmClient {
 public:
  // Attaches and announces the guest ready, if the command line announced
  // the device and its header checks out (32-bit guest: below 4 GiB only).
  void attach(const BootInfo& boot);
  bool present() const { return region_ != nullptr; }
  shmem::Header* header() const { return shmem::header_of(region_); }
  shmem::GuestRings& rings() { return rings_; }
  // Request out, reply in, within about a second; kAbsent without a device.
  ShmArp arp_round_trip();
  // What the host last published in its status line (HostState, ShmemError).
  uint32_t host_state() const;
  uint32_t host_error() const;
  // Polls the host's status line until it says kFailed, up to `ms`.
  bool wait_host_failed(uint32_t ms) const;

 private:
  void* region_ = nullptr;
  shmem::GuestRings rings_;
};

const char* shm_arp_text(ShmArp result);  // "absent", "0", "1"

}  // namespace hg
