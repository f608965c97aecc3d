// How often the calling CPU entered the guest kernel over a stretch of a
// program: system calls, interrupts and exceptions (kdebug
// kKdebugKernelEntries). On a host that runs the guest kernel in KVM's
// instruction emulator (kvm_pvm) each entry is a VM exit at least, so a
// --bypass data path that enters the kernel not once makes no exit of its
// own there (issue 18, "quiet while polling").
#pragma once

#include "ulib.h"

namespace u {

class KernelEntryCount {
 public:
  // Pins the calling thread to the CPU it runs on (the counts are that
  // CPU's), then reads them. False if the kernel would not say.
  bool start();
  // The entries since start(), less this read's own system call.
  uabi::KernelEntries stop() const;
  long cpu() const { return cpu_; }

 private:
  long cpu_ = -1;
  uabi::KernelEntries start_{};
};

// "PROGRAM: kernel entries on cpu C WHAT: S system calls, I interrupts, E exceptions"
void print_kernel_entries(const char* program, const char* what, const KernelEntryCount& count,
                          const uabi::KernelEntries& entries);

}  // namespace u
