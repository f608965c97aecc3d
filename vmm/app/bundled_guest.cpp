#include "vmm/app/bundled_guest.h"

extern "C" const uint8_t vmm_bundled_guest_start[];
extern "C" const uint8_t vmm_bundled_guest_end[];

namespace vmm {

std::span<const uint8_t> bundled_guest_image() {
  return {vmm_bundled_guest_start, static_cast<size_t>(vmm_bundled_guest_end - vmm_bundled_guest_start)};
}

}  // namespace vmm
