// The I/O paths `vmm-bench exits|latency|throughput` measure, and how each
// is set up: the VMM's command line and netbench's (docs/ARCHITECTURE.md §5,
// bench/README.md "The four paths").
//   virtio              virtio-net; the guest kernel's sockets; queue
//                       notifications through an ioeventfd
//   virtio-noioeventfd  the same, each notification an MMIO exit to the VMM
//   shmem               the shared-memory device; the guest kernel's sockets,
//                       the kernel polls shm0 (idle=poll)
//   shmem-bypass        the shared-memory device's rings mapped into netbench,
//                       which runs its own stack over them (netbench
//                       --bypass): no system call on the data path
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vmm::bench {

struct IoPath {
  const char* name;
  bool shmem_device;  // the VMM gets --net none --shmem ... (else --net user)
  bool ioeventfd;     // virtio notifications through an ioeventfd
  bool kernel_polls;  // the guest kernel polls shm0 from its idle loop
  bool bypass;        // netbench runs its own stack (--bypass)
};

inline constexpr IoPath kIoPaths[] = {
    {"virtio", false, true, false, false},
    {"virtio-noioeventfd", false, false, false, false},
    {"shmem", true, true, true, false},
    {"shmem-bypass", true, true, false, true},
};

// nullptr if `name` is no path.
const IoPath* find_io_path(const std::string& name);
// "virtio,virtio-noioeventfd,shmem,shmem-bypass": every path, in order.
std::string all_io_path_names();
// "virtio,shmem" into its paths; empty if a name is not a path (or none given).
std::vector<std::string> split_io_paths(const std::string& text);

// What one run of netbench does.
struct NetbenchRun {
  uint64_t calls = 0;
  std::optional<uint16_t> phase;  // all phases when empty
  bool marks = true;
};

// How an I/O path is set up for a run.
struct PathSetup {
  std::string name;
  std::string peer_addr;  // the host peer as the guest sees it
  bool accept = false;    // the VMM forwards a host port to the guest
};

// The set-up of a path (find_io_path(path) must not be nullptr).
PathSetup path_setup(const std::string& path);

// The guest port a forwarded host port reaches (netbench -a).
inline constexpr uint16_t kGuestAcceptPort = 7000;

// The guest's command line for the run (init=netbench -- ...) against the
// host peer's ports.
std::string netbench_cmdline(const PathSetup& path, const NetbenchRun& run, uint16_t udp_port, uint16_t tcp_port);

struct VmmTarget {
  std::string vmm_path;
  std::string guest_path;
  int smp = 1;
};

// The VMM's argv for a run on `path` with guest command line `cmdline`; the
// host's loopback port `forward_port` reaches the guest's kGuestAcceptPort.
std::vector<std::string> vmm_argv(const VmmTarget& target, const PathSetup& path, const std::string& cmdline,
                                  uint16_t forward_port, const std::string& stats_path);

}  // namespace vmm::bench
