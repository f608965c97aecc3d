// Putting a compiled filter on the calling thread.
#pragma once

#include "hv/core/result.h"
#include "vmm/seccomp/bpf_program.h"

namespace vmm::seccomp {

// Confines the calling thread, and the threads it creates afterwards, to
// `program` for good. Sets the thread's no_new_privs bit first: the kernel
// accepts a filter from a thread without CAP_SYS_ADMIN only then, and no
// VMM thread has any business gaining privileges through execve anyway.
// Makes no allocation.
Result<void> install_on_this_thread(const BpfProgram& program);

}  // namespace vmm::seccomp
