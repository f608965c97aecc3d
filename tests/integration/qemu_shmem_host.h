// The shared-memory device's host side for the bundled guest under QEMU
// (TCG), which has no such device: QEMU's guest RAM is a file (in /dev/shm
// when it has room) that this process maps too. The guest is told mem=256M, so its kernel uses no RAM
// from there up, and shmem=256K@0x10000000 puts shm0 just above; this
// object writes the host's header there and runs the VMM's own poller and
// user network on it (devices/shmem, hostnet: what `vmm --net none --shmem
// size=256K,hostfwd=...` runs), so the guest's shm0 and its --bypass
// programs run where there is no /dev/kvm.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "devices/shmem/shmem_net_adapter.h"
#include "devices/shmem/shmem_poller.h"
#include "hv/core/result.h"

namespace vmm::testing {

class QemuShmemHost {
 public:
  static constexpr uint64_t kRamBytes = 512ull << 20;    // QEMU's -m
  static constexpr uint64_t kGuestRam = 256ull << 20;    // the guest's mem=
  static constexpr uint64_t kRegionGpa = kGuestRam;      // shm0, right above it
  static constexpr uint64_t kRegionBytes = 256ull << 10;

  // `host_forwards`: what follows each "hostfwd=" (tcp:127.0.0.1:P-:G).
  static Result<std::unique_ptr<QemuShmemHost>> start(const std::vector<std::string>& host_forwards = {});
  ~QemuShmemHost();
  QemuShmemHost(const QemuShmemHost&) = delete;
  QemuShmemHost& operator=(const QemuShmemHost&) = delete;

  // QEMU's machine, memory and CPU options for a guest with this device.
  std::vector<std::string> qemu_machine_args() const;
  // The kernel's words for it: "mem=256M shmem=256K@0x10000000".
  static std::string kernel_words();
  ShmemStats stats() const { return poller_->stats(); }

 private:
  QemuShmemHost() = default;

  std::string ram_path_;
  uint8_t* region_ = nullptr;  // kRegionBytes mapped from ram_path_ at kRegionGpa
  std::unique_ptr<ShmemNetAdapter> network_;
  std::unique_ptr<ShmemPoller> poller_;  // stopped first
};

}  // namespace vmm::testing
