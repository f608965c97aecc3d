// The kernel command line: space-separated words, each "key=value" or a
// bare "key". A lone "--" ends the kernel's words; everything after it is
// passed to the init program as its arguments. Unknown keys are ignored.
//
// Keys the kernel knows: init=PROGRAM, ip=, gw=, idle=halt|poll,
// timer=oneshot, virtio_mmio.device=SIZE@ADDR:GSI (repeatable),
// shmem=SIZE@ADDR, mem=SIZE, and the test hook panic=now|fault|nested|ap.
#pragma once

#include <stddef.h>

#include "lib/kstring.h"

namespace cmdline {

inline constexpr size_t kMaxWords = 64;
inline constexpr size_t kMaxInitArgs = 32;

// Splits text (which must outlive the parsed words, e.g. g_boot.cmdline).
void parse(const char* text);

// The value of the first "key=value" word; false if key is absent. A bare
// "key" has an empty value.
bool get(Str key, Str* value);
// The values of every word with this key (repeatable keys); returns how
// many there are, filling at most max of them.
size_t get_all(Str key, Str* values, size_t max);

size_t init_argc();
Str init_arg(size_t i);

}  // namespace cmdline
