#include "shm_ring_device.h"

namespace bypass {

shmem::ShmemError ShmRingDevice::attach(void* region, uint64_t size, Clock clock) {
  region_ = nullptr;
  clock_ = clock;
  shmem::ShmemError e = shmem::guest_attach(region, size, &rings_);
  if (e != shmem::ShmemError::kNone) {
    // Tell the host only when the region is one it could be reading.
    if (e != shmem::ShmemError::kRegionMisaligned && shmem::check_region_size(size) == shmem::ShmemError::kNone)
      shmem::guest_announce_stopped(region, e);
    error_ = e;
    where_ = "attach";
    return e;
  }
  region_ = region;
  // Read once: the host wrote it before the guest ran and never changes it.
  uint64_t host_latency = __atomic_load_n(&shmem::header_of(region)->config.host_max_latency_ns, __ATOMIC_RELAXED);
  full_wait_ns_ = host_latency < kMaxFullWaitNs - kFullWaitMarginNs ? host_latency + kFullWaitMarginNs
                                                                     : kMaxFullWaitNs;
  error_ = shmem::ShmemError::kNone;
  where_ = "";
  bad_value_ = 0;
  empty_polls_ = 0;
  shmem::guest_announce_ready(region, 0);
  return shmem::ShmemError::kNone;
}

void ShmRingDevice::detach() {
  if (region_ == nullptr) return;
  shmem::guest_announce_stopped(region_, error_);
  region_ = nullptr;
  if (!broken()) {
    error_ = shmem::ShmemError::kNotAttached;
    where_ = "detached";
  }
}

void ShmRingDevice::stop(shmem::ShmemError why, const char* where, uint32_t bad_value) {
  if (broken()) return;
  error_ = why;
  where_ = where;
  bad_value_ = bad_value;
  shmem::guest_announce_stopped(region_, why);
}

void ShmRingDevice::check_host() {
  if (broken()) return;
  // The host's error names what it found wrong with our side; an unknown
  // value still stops us (shmem_error_name says "unknown error").
  shmem::ShmemError e = shmem::host_failure(region_);
  if (e != shmem::ShmemError::kNone) stop(e, "host", static_cast<uint32_t>(e));
}

// The host frees slots as its poller passes; spin until it has, up to
// full_wait_ns_. The host may have stopped instead: look at its status.
bool ShmRingDevice::wait_for_room() {
  uint64_t deadline = clock_.now_ns() + full_wait_ns_;
  for (;;) {
    shmem::RingResult room = rings_.to_host.check_room();
    if (room.status == shmem::RingStatus::kDone) return true;
    if (room.status == shmem::RingStatus::kBroken) {
      stop(room.error, "guest-to-host ring", room.value);
      return false;
    }
    check_host();
    if (broken() || clock_.now_ns() >= deadline) return false;
    __builtin_ia32_pause();
  }
}

bool ShmRingDevice::transmit(const uint8_t* frame, size_t len) {
  if (broken() || len > shmem::kMaxFrameSize) return false;
  shmem::RingResult r = rings_.to_host.try_push(frame, static_cast<uint32_t>(len));
  if (r.status == shmem::RingStatus::kFull) {
    counters_.tx_waited_full++;
    if (!wait_for_room()) {
      if (!broken()) counters_.tx_dropped_full++;
      return false;
    }
    r = rings_.to_host.try_push(frame, static_cast<uint32_t>(len));
  }
  switch (r.status) {
    case shmem::RingStatus::kDone:
      counters_.tx_frames++;
      counters_.tx_bytes += len;
      return true;
    case shmem::RingStatus::kBroken: stop(r.error, "guest-to-host ring", r.value); return false;
    default: return false;
  }
}

uint32_t ShmRingDevice::receive(uint32_t budget, Deliver deliver, void* context) {
  uint32_t n = 0;
  while (!broken() && n < budget) {
    shmem::RingResult r = rings_.from_host.try_pop(rx_buffer_, sizeof(rx_buffer_));
    if (r.status == shmem::RingStatus::kBroken) stop(r.error, "host-to-guest ring", r.value);
    if (r.status != shmem::RingStatus::kDone) break;
    counters_.rx_frames++;
    counters_.rx_bytes += r.value;
    deliver(context, rx_buffer_, r.value);
    ++n;
  }
  // A host that stopped sends nothing more: look at its status now and then
  // while nothing comes (not on every poll: the host rewrites its counters in
  // the same cache line).
  if (n == 0 && ++empty_polls_ >= kHostCheckInterval) {
    empty_polls_ = 0;
    check_host();
  }
  return n;
}

}  // namespace bypass
