// shm0's rings (abi/shmem_ring.h) as a network device inside a user
// process that has them mapped: the same attach, checks and frame moves as
// the kernel's driver (guest/dev/shm/shm_net.h), with no kernel underneath
// and no system call: transmit is a store into the guest-to-host ring,
// receive a poll of the host-to-guest ring.
//
// Failure is sticky and reported, never fatal: once either ring breaks (the
// host wrote an index or length the checks refuse) or the host stops the
// device (it publishes HostState::kFailed when the guest side broke the
// protocol), the device stops moving frames, tells the host it stopped, and
// says where and why (where(), error()).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/shmem_ring.h"
#include "clock.h"
#include "net/interface.h"

namespace bypass {

class ShmRingDevice final : public net::NetDevice {
 public:
  // The kernel's shm0 address (guest/dev/shm/shm_net.h): the process takes
  // the interface over, so the host's neighbours keep the same entry.
  // Locally administered (IEEE 802: bit 1 of the first byte), unicast.
  static constexpr net::MacAddress kDefaultMac = {{0x02, 0x00, 0x00, 0x00, 0x03, 0x0f}};
  // A full guest-to-host ring is the host's back-pressure: transmit waits
  // for a slot as long as the host may sleep between polls
  // (ConfigLine::host_max_latency_ns) plus a margin for its thread being
  // descheduled (a scheduler tick at HZ=250), at most kMaxFullWaitNs; only
  // then is the frame dropped, as a full NIC queue drops it. A drop costs
  // TCP far more: a retransmission, after 200 ms unless duplicate ACKs come.
  static constexpr uint64_t kFullWaitMarginNs = 4'000'000;
  static constexpr uint64_t kMaxFullWaitNs = 10'000'000;

  constexpr ShmRingDevice() = default;

  // Checks the header the host wrote in [region, region + size) and attaches
  // to its rings (resuming from the guest's index lines, as the kernel's
  // driver left them), then tells the host it is ready. On refusal it tells
  // the host it stopped and returns why.
  shmem::ShmemError attach(void* region, uint64_t size, Clock clock);
  // Tells the host this side stopped (it stops polling the rings); the
  // rings' state stays in the region for whoever attaches next.
  void detach();

  bool transmit(const uint8_t* frame, size_t len) override;
  using Deliver = void (*)(void* context, const uint8_t* frame, size_t len);
  // Hands up to `budget` frames from the host to deliver(); how many.
  uint32_t receive(uint32_t budget, Deliver deliver, void* context);
  // Reads the host's status line (one load): stops the device if the host
  // has. receive() does it on its own every kHostCheckInterval empty polls.
  void check_host();

  bool attached() const { return region_ != nullptr; }
  bool broken() const { return error_ != shmem::ShmemError::kNone; }
  shmem::ShmemError error() const { return error_; }
  // "guest-to-host ring", "host-to-guest ring", "host" (it stopped the
  // device), or "" while nothing broke.
  const char* where() const { return where_; }
  // The mapped region (nullptr before attach and after detach).
  void* region() const { return region_; }
  uint32_t bad_value() const { return bad_value_; }

  struct Counters {
    uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes, tx_waited_full, tx_dropped_full;
  };
  const Counters& counters() const { return counters_; }

 private:
  static constexpr uint32_t kHostCheckInterval = 64;

  bool wait_for_room();
  void stop(shmem::ShmemError why, const char* where, uint32_t bad_value);

  void* region_ = nullptr;
  shmem::GuestRings rings_{};
  Clock clock_{};
  uint64_t full_wait_ns_ = 0;
  uint32_t empty_polls_ = 0;
  shmem::ShmemError error_ = shmem::ShmemError::kNotAttached;
  const char* where_ = "not attached";
  uint32_t bad_value_ = 0;
  Counters counters_{};
  alignas(16) uint8_t rx_buffer_[shmem::kMaxFrameSize] = {};
};

}  // namespace bypass
