// Names the calling thread as `top -H`, `perf` and /proc/PID/task/*/comm
// show it: vcpu0, vcpu1, ..., devices, shmem-poller (docs/ARCHITECTURE.md,
// "Threads"). Called by each thread on itself before its seccomp filter is
// installed (prctl(PR_SET_NAME) is in no table).
#pragma once

#include <string>

namespace vmm {

// Linux keeps 15 bytes of a thread's name; longer names are cut.
void name_this_thread(const std::string& name);

}  // namespace vmm
