#include "kernel_entries.h"

namespace u {

bool KernelEntryCount::start() {
  long here = ::u::cpu();  // getcpu (not this class's cpu())
  if (here < 0 || set_affinity(1ull << here) != 0) return false;
  cpu_ = kdebug(uabi::kKdebugKernelEntries, reinterpret_cast<long>(&start_));
  return cpu_ == here;
}

uabi::KernelEntries KernelEntryCount::stop() const {
  uabi::KernelEntries now{};
  if (cpu_ < 0 || kdebug(uabi::kKdebugKernelEntries, reinterpret_cast<long>(&now)) != cpu_) return {};
  return {now.syscalls - start_.syscalls - 1, now.interrupts - start_.interrupts, now.exceptions - start_.exceptions};
}

void print_kernel_entries(const char* program, const char* what, const KernelEntryCount& count,
                          const uabi::KernelEntries& e) {
  printf("%s: kernel entries on cpu %ld %s: %lu system calls, %lu interrupts, %lu exceptions\n", program,
         count.cpu(), what, e.syscalls, e.interrupts, e.exceptions);
}

}  // namespace u
