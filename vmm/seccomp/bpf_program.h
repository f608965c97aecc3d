// A compiled seccomp filter: classic BPF instructions the kernel takes as
// they are (prctl(PR_SET_SECCOMP), seccomp(2)). Compiled on the main thread
// during set-up, so that installing one on a thread later needs neither
// libseccomp nor an allocation, and a policy that cannot be compiled is
// reported before anything runs.
#pragma once

#include <linux/filter.h>

#include <vector>

#include "hv/core/result.h"
#include "vmm/seccomp/thread_policy.h"

namespace vmm::seccomp {

class BpfProgram {
 public:
  BpfProgram() = default;
  explicit BpfProgram(std::vector<sock_filter> instructions) : instructions_(std::move(instructions)) {}

  const std::vector<sock_filter>& instructions() const { return instructions_; }
  bool empty() const { return instructions_.empty(); }

 private:
  std::vector<sock_filter> instructions_;
};

// Builds the filter for `policy` with libseccomp. Whatever the policy does
// not name kills the whole process (SCMP_ACT_KILL_PROCESS: every thread,
// status "killed by SIGSYS", the call in the kernel's audit log), and so
// does a call through another architecture's entry (int 0x80, x32). Errors
// name the policy and the rule: an unknown or non-native system call, an
// argument index above 5, a check whose value has bits outside its mask, an
// errno outside 1..4095, an empty policy.
Result<BpfProgram> build_filter(const ThreadPolicy& policy);

}  // namespace vmm::seccomp
