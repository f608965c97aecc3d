// `--shmem` (and the config file's `shmem` key) as far as the command line
// can judge it: the option's syntax (parse_shmem_option) and, once the RAM
// size is known, where the region goes (check_shmem_placement against this
// VMM's memory map). Errors start with "--shmem: ".
#pragma once

#include <optional>
#include <string_view>

#include "devices/shmem/shmem_option.h"
#include "hv/core/result.h"

namespace vmm {

// "none": no device.
Result<std::optional<ShmemDeviceConfig>> parse_shmem_value(std::string_view text);

// The region against RAM of `ram_bytes` and the platform's device windows.
Result<void> check_shmem_fits(const ShmemDeviceConfig& shmem, uint64_t ram_bytes);

}  // namespace vmm
