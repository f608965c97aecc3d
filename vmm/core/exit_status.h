// Process exit statuses of `vmm`. Odd statuses come from the guest's
// debug-exit port ((v << 1) | 1, as QEMU's isa-debug-exit), so the VMM's own
// statuses are even.
#pragma once

#include <cstdint>

namespace vmm {

inline constexpr int kStatusPoweredOff = 0;   // clean ACPI power-off
inline constexpr int kStatusUsageError = 2;   // bad argument, config or guest image
inline constexpr int kStatusGuestFault = 4;   // triple fault, failed entry, KVM internal error
inline constexpr int kStatusVmmError = 6;     // the VMM itself failed (KVM call, thread)
inline constexpr int kStatusSignalBase = 128; // + signal number (SIGINT -> 130)

inline constexpr int debug_exit_status(uint64_t value) {
  return static_cast<int>(((value << 1) | 1) & 0xff);
}

}  // namespace vmm
