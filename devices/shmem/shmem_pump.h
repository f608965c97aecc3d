// One bounded pass of the shared-memory device: checks the guest's status,
// moves at most one ring's worth of frames each way between the rings and the
// backend, and stops the device for good on the first protocol error (logged
// once, recorded in the counters, published in the host status line). No
// thread here: ShmemPoller decides when to call pump_once().
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "abi/shmem_ring.h"
#include "devices/shmem/shmem_backend.h"
#include "devices/shmem/shmem_endpoint.h"
#include "devices/shmem/shmem_stats.h"

namespace vmm {

class ShmemPump {
 public:
  ShmemPump(ShmemEndpoint endpoint, ShmemBackend& backend, ShmemCounters& counters)
      : endpoint_(std::move(endpoint)), backend_(backend), counters_(counters) {}

  // Frames handled in this pass (moved or dropped); 0 when there was no
  // work, or once the device has failed.
  size_t pump_once();

  bool failed() const { return failed_; }
  void publish_state(shmem::HostState state) { endpoint_.publish_state(state, shmem::ShmemError::kNone); }

 private:
  bool guest_ready();
  size_t move_to_host();
  size_t move_to_guest();
  void fail(const char* where, shmem::ShmemError error, uint64_t bad_value, uint32_t own_index);
  void publish_counters();

  ShmemEndpoint endpoint_;
  ShmemBackend& backend_;
  ShmemCounters& counters_;
  bool failed_ = false;
  std::array<uint8_t, shmem::kMaxFrameSize> buffer_;
};

}  // namespace vmm
