#include "vmm/app/confined_shmem_backend.h"

namespace vmm {

ConfinedShmemBackend::ConfinedShmemBackend(ShmemBackend& backend, const seccomp::ThreadFilters& filters)
    : backend_(backend), filters_(filters) {}

Result<void> ConfinedShmemBackend::confined() { return result_future_.get(); }

void ConfinedShmemBackend::poll_host() {
  if (!tried_) {
    tried_ = true;
    Result<void> installed = filters_.install(seccomp::ThreadKind::kShmemPoller);
    usable_ = installed.ok();
    result_.set_value(std::move(installed));
  }
  if (usable_) backend_.poll_host();
}

bool ConfinedShmemBackend::deliver_to_host(std::span<const uint8_t> frame) {
  return usable_ && backend_.deliver_to_host(frame);
}

size_t ConfinedShmemBackend::fetch_for_guest(std::span<uint8_t> buffer) {
  return usable_ ? backend_.fetch_for_guest(buffer) : 0;
}

bool ConfinedShmemBackend::wait_for_host(std::chrono::nanoseconds timeout) {
  return usable_ && backend_.wait_for_host(timeout);
}

}  // namespace vmm
