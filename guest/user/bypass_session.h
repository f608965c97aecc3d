// --bypass: the process takes shm0's rings (shm_take(2), uapi/abi.h) and
// runs its own network stack over them (user/bypass/bypass_net.h), so that
// sending and receiving need no system call (issue 18). The clock is the
// TSC at the rate the kernel published in the lease; the stack's memory is
// a static arena. One session a process; the kernel takes the rings back
// when the process ends.
#pragma once

#include <stdint.h>

#include "user/bypass/bypass_net.h"

namespace u {

// The started stack, or nullptr after printing why (`program: --bypass: ...`):
// no shm0, another process holds it, or the stack would not start.
bypass::BypassNet* start_bypass(const char* program);
// Nanoseconds on the session's clock (the TSC): no system call.
uint64_t bypass_now_ns();

}  // namespace u
