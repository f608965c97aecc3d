// A ShmemBackend that confines the shared-memory poller thread with its
// seccomp filter at the poller's first pass (its first poll_host() call,
// which comes before the first look at a ring), and tells whoever waits in
// confined() how that went. The poller (devices/shmem) stays unaware of
// seccomp. If the filter could not be installed the backend goes inert
// (drops what the guest sends, delivers nothing, no host work) until the VM,
// told by confined(), stops the poller.
#pragma once

#include <future>

#include "devices/shmem/shmem_backend.h"
#include "vmm/seccomp/thread_filters.h"

namespace vmm {

class ConfinedShmemBackend final : public ShmemBackend {
 public:
  // `backend` and `filters` must outlive this.
  ConfinedShmemBackend(ShmemBackend& backend, const seccomp::ThreadFilters& filters);

  // Waits until the poller's thread has tried to confine itself; its result.
  Result<void> confined();

  bool deliver_to_host(std::span<const uint8_t> frame) override;
  size_t fetch_for_guest(std::span<uint8_t> buffer) override;
  void poll_host() override;
  bool wait_for_host(std::chrono::nanoseconds timeout) override;
  void wake() override { backend_.wake(); }

 private:
  ShmemBackend& backend_;
  const seccomp::ThreadFilters& filters_;
  bool tried_ = false;   // poller thread only
  bool usable_ = false;  // poller thread only
  std::promise<Result<void>> result_;
  std::future<Result<void>> result_future_ = result_.get_future();
};

}  // namespace vmm
