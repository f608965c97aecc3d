// The guest image's function symbols, for naming the guest RIP in a fault
// report (vmm/vcpu/emulation_failure.h): "net::Tcp::send+0x24".
#pragma once

#include <cstdint>
#include <span>

#include "vmm/vcpu/emulation_failure.h"

namespace vmm {

// nullptr when the image has no symbol table or it cannot be read: reports
// then print bare addresses, and the image still boots (symbols are an aid,
// the loader alone decides what runs).
GuestSymbolizer guest_symbolizer(std::span<const uint8_t> image);

}  // namespace vmm
