// How many bytes the process holds through operator new right now, on every
// thread: the test binary replaces the global allocation functions
// (heap_meter.cpp) so that a hostile-guest test can tell a bounded VMM from
// one whose containers grow with what the guest does. libslirp's and glib's
// own malloc() calls are not seen; the VMM's C++ containers all are.
#pragma once

#include <cstdint>

namespace vmm::testing {

int64_t live_heap_bytes();

}  // namespace vmm::testing
