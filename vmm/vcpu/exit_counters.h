// The VMM's own count of KVM_RUN returns on one vCPU: by exit reason, and
// port I/O and MMIO by bus region (a registered device's range, or
// "unmapped") and direction. Kept apart from KVM's counters (KvmStats),
// which also see exits handled in the kernel.
//
// Its size is fixed whatever the guest does (issue 15): a guest chooses the
// port or address of every access, so nothing here is keyed by either. The
// regions are the ranges the VMM registered on its buses, plus one bucket
// for everything else; which unmapped addresses were touched goes to the
// debug log, for the first UnmappedAccessLog::kMaxAddresses of them
// (exit_dispatch.h).
//
// Written by the vCPU's own thread on every exit; read by snapshot() from
// any thread. A mutex guards it: uncontended it costs tens of nanoseconds,
// against ~12 us for the exit being counted.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace vmm {

enum class Direction : uint8_t { kRead, kWrite };

// The region name of accesses no device holds.
inline constexpr std::string_view kUnmappedRegion = "unmapped";
// The region name of accesses to regions past kMaxRegionsPerBus (never
// reached with the devices this VMM registers).
inline constexpr std::string_view kOtherRegions = "other";

// The exits of one bus region in one direction.
struct RegionKey {
  std::string region;  // the range's name on its bus, or kUnmappedRegion
  Direction direction;
  auto operator<=>(const RegionKey&) const = default;
};

struct ExitCounts {
  uint64_t total = 0;
  std::map<uint32_t, uint64_t> by_reason;  // KVM_EXIT_* -> count
  std::map<RegionKey, uint64_t> pio;
  std::map<RegionKey, uint64_t> mmio;
};

class VcpuExitCounters {
 public:
  // The bounds, per vCPU. Regions: the VMM registers 4 port ranges (UART,
  // debug-exit, ACPI sleep, benchmark marker) and one MMIO range per
  // virtio device, so 16 names per bus (unmapped and other included) is
  // room to spare; 2 directions each. Reasons: KVM reports some 40 exit
  // reasons and the VMM stops the VM at one it does not handle; exits of a
  // reason past the bound count in `total` only. In all at most
  // 16 * 2 * 2 + 64 = 128 map entries, under 16 KiB with their nodes.
  static constexpr size_t kMaxRegionsPerBus = 16;
  static constexpr size_t kMaxReasons = 64;

  void count_exit(uint32_t reason);
  void count_pio(std::string_view region, Direction direction);
  void count_mmio(std::string_view region, Direction direction);
  ExitCounts snapshot() const;

 private:
  mutable std::mutex mutex_;
  ExitCounts counts_;
};

// "IO", "MMIO", "HLT", ... for a KVM_EXIT_* value; "UNKNOWN_<n>" otherwise.
std::string exit_reason_name(uint32_t reason);

}  // namespace vmm
