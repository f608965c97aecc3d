// Every thread kind's filter, compiled once during set-up (main thread) and
// installed by each thread on itself once it is set up:
//
//   device thread     before its io_context runs (DeviceThread::start waits
//                     for it, so no guest code runs before it is confined)
//   shmem poller      at its first pass, before it reads a ring
//   vCPU threads      at their first KVM_RUN
//   main thread       once every other thread has started (Vm::run)
//
// `vmm --no-seccomp` (config key no-seccomp) leaves every thread unconfined.
#pragma once

#include <vector>

#include "hv/core/result.h"
#include "vmm/seccomp/bpf_program.h"
#include "vmm/seccomp/thread_policy.h"

namespace vmm::seccomp {

// True in an ASan/UBSan or fuzzing build (VMM_SANITIZE, VMM_FUZZ): their
// runtimes make calls no policy allows (vmm/seccomp/CMakeLists.txt), so
// such a build runs unconfined.
#ifdef VMM_SANITIZER_BUILD
inline constexpr bool kSanitizerBuild = true;
#else
inline constexpr bool kSanitizerBuild = false;
#endif

class ThreadFilters {
 public:
  // Builds the four programs for this process, and first gets glibc to do
  // now what it would otherwise do lazily, later, with a system call no
  // filter allows (settle_lazy_libc_state).
  static Result<ThreadFilters> compile();

  const BpfProgram& program(ThreadKind kind) const { return programs_[static_cast<size_t>(kind)]; }
  // Confines the calling thread to `kind`'s filter. The error names the kind:
  // "seccomp filter for vcpu threads: prctl(PR_SET_SECCOMP): ...".
  Result<void> install(ThreadKind kind) const;

 private:
  explicit ThreadFilters(std::vector<BpfProgram> programs) : programs_(std::move(programs)) {}

  std::vector<BpfProgram> programs_;  // indexed by ThreadKind
};

// The first local-time conversion reads the time zone (/etc/localtime:
// openat, read, lseek): spdlog's time stamps would do it on whichever
// thread logs first, possibly confined. tzset() does it now; glibc then
// keeps what it read (localtime_r does not look again).
void settle_lazy_libc_state();

}  // namespace vmm::seccomp
