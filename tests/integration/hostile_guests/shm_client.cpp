#include "shm_client.h"

#include "arp.h"
#include "deadline.h"
#include "hw.h"

namespace hg {

void ShmClient::attach(const BootInfo& boot) {
  if (boot.shmem_base == 0 || boot.shmem_base + boot.shmem_size > 0xffffffffull) return;
  void* region = phys<void>(boot.shmem_base);
  if (shmem::guest_attach(region, boot.shmem_size, &rings_) != shmem::ShmemError::kNone) return;
  shmem::guest_announce_ready(region, 0);
  region_ = region;
}

ShmArp ShmClient::arp_round_trip() {
  if (!present()) return ShmArp::kAbsent;
  uint8_t frame[shmem::kMaxFrameSize];
  build_arp_request(kShmArp, frame);
  Deadline deadline(1500);
  shmem::RingResult pushed;
  // The ring may be full for a moment if the host is behind.
  while ((pushed = rings_.to_host.try_push(frame, kArpFrameBytes)).status == shmem::RingStatus::kFull)
    if (deadline.expired()) return ShmArp::kFailed;
  if (pushed.status != shmem::RingStatus::kDone) return ShmArp::kFailed;
  while (!deadline.expired()) {
    shmem::RingResult got = rings_.from_host.try_pop(frame, sizeof frame);
    if (got.status == shmem::RingStatus::kBroken) return ShmArp::kFailed;
    if (got.status == shmem::RingStatus::kDone && is_arp_reply(kShmArp, frame, got.value))
      return ShmArp::kOk;
  }
  return ShmArp::kFailed;
}

uint32_t ShmClient::host_state() const { return __atomic_load_n(&header()->host.state, __ATOMIC_ACQUIRE); }
uint32_t ShmClient::host_error() const { return __atomic_load_n(&header()->host.error, __ATOMIC_RELAXED); }

bool ShmClient::wait_host_failed(uint32_t ms) const {
  Deadline deadline(ms);
  while (host_state() != static_cast<uint32_t>(shmem::HostState::kFailed))
    if (deadline.expired()) return false;
  return true;
}

const char* shm_arp_text(ShmArp result) {
  return result == ShmArp::kAbsent ? "absent" : result == ShmArp::kOk ? "1" : "0";
}

}  // namespace hg
