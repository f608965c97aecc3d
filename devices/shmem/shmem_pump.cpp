#include "devices/shmem/shmem_pump.h"

#include <spdlog/spdlog.h>

#include <span>
#include <string>

namespace vmm {

size_t ShmemPump::pump_once() {
  if (failed_ || !guest_ready()) return 0;
  size_t handled = move_to_host();
  if (!failed_) handled += move_to_guest();
  if (handled > 0) publish_counters();
  return handled;
}

bool ShmemPump::guest_ready() {
  GuestStatusReading status = endpoint_.read_guest_status();
  if (status.error != shmem::ShmemError::kNone) {
    fail("guest status line", status.error, status.bad_value, 0);
    return false;
  }
  return status.state == shmem::GuestState::kReady;
}

// Bounded by the ring size: a guest that refills the ring as fast as we
// drain it cannot keep us here.
size_t ShmemPump::move_to_host() {
  size_t handled = 0;
  while (handled < endpoint_.slots_per_ring()) {
    shmem::RingResult r = endpoint_.receive(buffer_);
    if (r.status == shmem::RingStatus::kEmpty) break;
    if (r.status != shmem::RingStatus::kDone) {
      fail("guest-to-host ring", r.error, r.value, r.index);
      break;
    }
    ++handled;
    if (backend_.deliver_to_host(std::span<const uint8_t>(buffer_.data(), r.value)))
      counters_.count_to_host(r.value);
    else
      counters_.count_drop(ShmemDrop::kRefusedByBackend);
  }
  return handled;
}

// Fetches from the backend only when the guest has room, so frames wait in
// the backend (which decides what to drop) rather than being lost here.
size_t ShmemPump::move_to_guest() {
  size_t handled = 0;
  while (handled < endpoint_.slots_per_ring()) {
    shmem::RingResult room = endpoint_.check_room_for_guest();
    if (room.status == shmem::RingStatus::kFull) break;
    if (room.status != shmem::RingStatus::kDone) {
      fail("host-to-guest ring", room.error, room.value, room.index);
      break;
    }
    size_t length = backend_.fetch_for_guest(buffer_);
    if (length == 0) break;
    ++handled;
    if (length > buffer_.size()) {
      counters_.count_drop(ShmemDrop::kTooLongForGuest);
      continue;
    }
    shmem::RingResult sent = endpoint_.send(std::span<const uint8_t>(buffer_.data(), length));
    if (sent.status != shmem::RingStatus::kDone) {
      fail("host-to-guest ring", sent.error, sent.value, sent.index);
      break;
    }
    counters_.count_to_guest(length);
  }
  return handled;
}

void ShmemPump::fail(const char* where, shmem::ShmemError error, uint64_t bad_value,
                     uint32_t own_index) {
  failed_ = true;
  std::string reason = fmt::format("{}: {} (guest wrote {:#x}; host index {:#x})", where,
                                   shmem::shmem_error_name(error), bad_value, own_index);
  // Once: the pump never runs again after this, so neither does this line.
  spdlog::error("shmem device stopped: {}", reason);
  counters_.record_failure(error, std::move(reason));
  endpoint_.publish_state(shmem::HostState::kFailed, error);
}

void ShmemPump::publish_counters() {
  endpoint_.publish_counters(counters_.frames_to_guest(), counters_.frames_to_host(),
                             counters_.total_drops());
}

}  // namespace vmm
