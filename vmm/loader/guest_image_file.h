// Reads a guest kernel image from the host file system.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hv/core/result.h"

namespace vmm {

// The whole file. Refuses what cannot be a kernel image (a directory, a
// device, a file larger than low guest RAM); every error reads
// "guest image 'PATH': ...".
Result<std::vector<uint8_t>> read_guest_image(const std::string& path);

}  // namespace vmm
