// bench_mark(phase): one 32-bit OUT to the VMM's benchmark marker port
// (abi/platform.h kBenchMarkerPort), so a user program can bracket a phase
// of its own work. The VMM snapshots every vCPU's exit counters at the OUT,
// on this vCPU's thread; the OUT is this call's only exit. A VMM without the
// port ignores the write (or counts it as an unmapped port).
#include "abi/platform.h"
#include "arch/x86/include/x86.h"
#include "sys/syscall.h"

int64_t sys_bench_mark(const SyscallArgs& a) {
  x86::outl(platform::kBenchMarkerPort, static_cast<uint32_t>(a.a0));
  return 0;
}
