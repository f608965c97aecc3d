// Who drives shm0's rings: the kernel (its network stack sends through them
// and polls them) or the one user process that took them (issue 18: a
// netmap-style path with its own network stack in user space). At most one
// process at a time; the kernel gets them back when that process ends,
// however it ends. No kernel dependency: the caller serialises changes (the
// kernel holds the network lock), and the host build tests it
// (tests/unit/guest_kernel).
#pragma once

#include <stdint.h>

namespace shm {

class RingHolder {
 public:
  static constexpr uint32_t kKernel = 0;  // no process id is 0

  enum class Take : uint8_t { kTaken, kBusy, kNoProcess };

  // pid takes the rings from the kernel. kBusy if a process holds them
  // (pid itself included: a second take is as much a mistake as another
  // process's).
  Take take(uint32_t pid) {
    if (pid == kKernel) return Take::kNoProcess;
    if (holder() != kKernel) return Take::kBusy;
    __atomic_store_n(&holder_, pid, __ATOMIC_RELAXED);
    return Take::kTaken;
  }
  // pid has ended: if it held the rings, the kernel has them again (true).
  bool give_back(uint32_t pid) {
    if (pid == kKernel || holder() != pid) return false;
    __atomic_store_n(&holder_, kKernel, __ATOMIC_RELAXED);
    return true;
  }
  bool held_by_process() const { return holder() != kKernel; }
  // Also read without the caller's lock, by the end of a process, to skip
  // the lock when that process holds nothing: it cannot be pid's unless
  // pid's own shm_take stored it, before pid's end.
  uint32_t holder() const { return __atomic_load_n(&holder_, __ATOMIC_RELAXED); }

 private:
  uint32_t holder_ = kKernel;
};

}  // namespace shm
