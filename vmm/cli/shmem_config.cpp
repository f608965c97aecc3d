#include "vmm/cli/shmem_config.h"

#include <string>

#include "devices/shmem/shmem_placement.h"

namespace vmm {

Result<std::optional<ShmemDeviceConfig>> parse_shmem_value(std::string_view text) {
  if (text == "none") return std::optional<ShmemDeviceConfig>();
  auto parsed = parse_shmem_option(text);
  if (!parsed.ok()) return make_error("--shmem: " + parsed.error().message);
  return std::optional<ShmemDeviceConfig>(*parsed);
}

Result<void> check_shmem_fits(const ShmemDeviceConfig& shmem, uint64_t ram_bytes) {
  auto occupied = platform_reserved_ranges(ram_bytes);
  auto placed = check_shmem_placement(shmem.gpa, shmem.size, occupied);
  if (!placed.ok()) return make_error("--shmem: " + placed.error().message);
  return ok();
}

}  // namespace vmm
