// The value of `--shmem`:
//
//   size=SIZE[,gpa=ADDR][,poll=busy|adaptive][,max-latency=DURATION][,hostfwd=RULE]...
//
//   SIZE      bytes with an optional K/M/G suffix (binary); a multiple of
//             4 KiB, from 8K (header page + one slot per ring) to 1G
//   ADDR      guest-physical base, 0x-hex or decimal, page-aligned
//             (default 0xe0000000)
//   poll      busy: the poller spins; adaptive (default): spins, then
//             sleeps up to max-latency
//   DURATION  number with unit ns, us, ms or s; 1us..100ms (default 100us);
//             only with poll=adaptive
//   RULE      a host port forwarded into the device's user network
//             (10.0.3.0/24; guest address default 10.0.3.15), in --net's
//             form: [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT;
//             may be given more than once
//
// Keys may come in any order, each at most once. Placement against RAM and
// other devices is checked separately (shmem_placement.h) once the memory
// size is known.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>
#include <vector>

#include "abi/platform.h"
#include "devices/shmem/poll_policy.h"
#include "hostnet/host_forward.h"
#include "hv/core/result.h"

namespace vmm {

struct ShmemDeviceConfig {
  uint64_t size = 0;
  uint64_t gpa = platform::kShmemDefaultGpa;
  PollSettings poll;
  std::vector<net::HostForward> host_forwards;

  bool operator==(const ShmemDeviceConfig&) const = default;
};

Result<ShmemDeviceConfig> parse_shmem_option(std::string_view text);

// "100us", "2ms", "1s", "500ns". Exposed for tests and for a TOML key.
Result<std::chrono::nanoseconds> parse_duration(std::string_view text);

}  // namespace vmm
