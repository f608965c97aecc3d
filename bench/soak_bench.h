// `vmm-bench soak`: the bundled guest's `soak` program drives UDP and TCP
// over virtio-net and shm0 at once with --smp 4 for a while; afterwards
// every frame must be accounted for and memory must be flat (issue 8).
//
// Accounting: TCP must echo every byte intact; a UDP datagram whose echo
// never came must be matched by a drop the VMM counted with its cause (a
// device's drop counters), or the run fails. Memory: the VMM's resident
// set after the first fifth of the run may grow by at most kRssSlackKib,
// and the guest kernel's free page frames at the end may be at most
// kGuestFrameSlack below those after the warm-up.
#pragma once

#include <cstdint>
#include <string>

namespace vmm::bench {

struct SoakOptions {
  std::string vmm_path, guest_path, out_dir;
  uint64_t seconds = 30;
  int smp = 4;
};

inline constexpr long kRssSlackKib = 4096;
inline constexpr long kGuestFrameSlack = 64;

// Prints the accounting; writes soak.json and the run's records into
// out_dir. 0 when everything is accounted for and flat, 1 otherwise.
int run_soak(const SoakOptions& options);

}  // namespace vmm::bench
