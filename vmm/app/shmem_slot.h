// The shared-memory device wired into the VM: its region, with the header
// written by the host, as a non-RAM region of guest memory (Vm::map_memory
// gives it its own KVM memory slot); the E820 reserved entry and the
// `shmem=SIZE@ADDR` command-line word that announce it; its poller thread
// with a network of its own behind it (ShmemNetAdapter). The thread starts
// with the VM (start()) and is stopped and joined when the VM ends (stop(),
// or the destructor). A protocol error from the guest stops the thread only;
// the VM runs on.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "devices/shmem/shmem_net_adapter.h"
#include "devices/shmem/shmem_option.h"
#include "devices/shmem/shmem_poller.h"
#include "hostnet/net_backend.h"
#include "vmm/app/confined_shmem_backend.h"
#include "vmm/loader/e820.h"
#include "hv/memory/guest_memory.h"
#include "vmm/stats/device_stats.h"

namespace vmm {

class ShmemSlot {
 public:
  // Maps the region into `memory` (which must outlive the slot) at
  // config.gpa and binds `backend` to the device's own io_context.
  static Result<std::unique_ptr<ShmemSlot>> create(const ShmemDeviceConfig& config,
                                                   GuestMemory& memory,
                                                   std::unique_ptr<net::NetBackend> backend);
  ~ShmemSlot();
  ShmemSlot(const ShmemSlot&) = delete;
  ShmemSlot& operator=(const ShmemSlot&) = delete;

  const std::string& name() const { return name_; }
  // "shmem=64K@0xe0000000" (see shmem_cmdline_entry).
  std::string kernel_cmdline_entry() const;
  ReservedRange e820_range() const { return {config_.gpa, config_.size}; }

  // Starts the poller thread; once. With `filters`, returns once the thread
  // has confined itself with the shmem-poller filter (before it first looks
  // at a ring); an error if it could not.
  Result<void> start(const seccomp::ThreadFilters* filters = nullptr);
  // Stops and joins it; idempotent. The counters stay readable.
  void stop();
  DeviceStats stats() const;

 private:
  ShmemSlot(const ShmemDeviceConfig& config, std::span<uint8_t> region,
            std::unique_ptr<ShmemNetAdapter> network);

  ShmemDeviceConfig config_;
  std::string name_ = "shmem0";
  std::span<uint8_t> region_;  // owned by the GuestMemory
  std::unique_ptr<ShmemNetAdapter> network_;
  std::unique_ptr<ConfinedShmemBackend> confined_network_;  // network_ seen through seccomp
  std::unique_ptr<ShmemPoller> poller_;  // last: joined before the network goes
};

// How the guest learns about the region, in the form of virtio-mmio's
// `virtio_mmio.device=4K@0xd0000000:5`: "shmem=SIZE@ADDR", SIZE in decimal
// with the largest of the suffixes K, M, G (binary) that divides it exactly
// (sizes are multiples of 4 KiB, so there always is one), ADDR in lower-case
// 0x hex. 64 KiB at the default address: "shmem=64K@0xe0000000".
std::string shmem_cmdline_entry(uint64_t gpa, uint64_t size);

}  // namespace vmm
