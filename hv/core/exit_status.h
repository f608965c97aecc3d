// Process exit statuses of `vmm`, chosen so that a caller can always tell
// who ended the run (README "Exit status"):
//
//   even, below 128   the VMM's own verdict: 0 power-off, 2 bad input,
//                     4 guest fault, 6 VMM error
//   odd               the guest's debug-exit port: (v << 1) | 1, as QEMU's
//                     isa-debug-exit, so 1..255 odd (71 gives 143)
//   killed by SIGINT  a stop signal: the VM is torn down in order (statistics
//   or SIGTERM        and --stats-json written), then vmm ends by the same
//                     signal with its default action, so its parent sees
//                     WIFSIGNALED (Python: returncode -15), never an exit
//                     status. A shell's $? folds both into 128 + n (143 for
//                     SIGTERM, as for a guest's 71): scripts that must tell
//                     them apart read --stats-json's "stop_reason" or test
//                     the wait status (tests/unit/app/end_by_signal_test.cpp).
#pragma once

#include <cstdint>

namespace vmm {

inline constexpr int kStatusPoweredOff = 0;   // clean ACPI power-off
inline constexpr int kStatusUsageError = 2;   // bad argument, config or guest image
inline constexpr int kStatusGuestFault = 4;   // triple fault, failed entry, KVM internal error
inline constexpr int kStatusVmmError = 6;     // the VMM itself failed (KVM call, thread)
inline constexpr int kStatusSignalBase = 128; // + signal number: what the statistics report

inline constexpr int debug_exit_status(uint64_t value) {
  return static_cast<int>(((value << 1) | 1) & 0xff);
}

}  // namespace vmm
