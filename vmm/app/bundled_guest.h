// The bundled guest kernel, linked into the vmm binary at build time, so
// `vmm` without --guest needs no file next to it.
#pragma once

#include <cstdint>
#include <span>

namespace vmm {

std::span<const uint8_t> bundled_guest_image();

}  // namespace vmm
