// The kinds of VMM thread and the allowlist each one runs under once it is
// set up (docs/ARCHITECTURE.md §3):
//
//   vcpu          KVM_RUN loop and exit dispatch, one per vCPU
//   device        the Boost.Asio loop: ioeventfds, irqfds, network backend
//                 (libslirp sockets or the tap), console input, stop signals
//   shmem-poller  the shared-memory device's ring poller and its libslirp
//                 network
//   main          after every other thread started: waits for the VM to
//                 end, stops and joins the threads, writes the statistics,
//                 tears the VM down and exits
//
// A policy is the shared glibc/C++ runtime table plus the kind's own
// (policy_tables.h says what each entry is for). A thread installs its own
// filter on itself; filters are per thread, and a thread created afterwards
// would inherit its creator's, so each kind installs only after it has
// created every thread it will create.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "vmm/seccomp/syscall_rule.h"

namespace vmm::seccomp {

enum class ThreadKind { kVcpu, kDevice, kShmemPoller, kMain };

inline constexpr std::array kAllThreadKinds = {ThreadKind::kVcpu, ThreadKind::kDevice,
                                               ThreadKind::kShmemPoller, ThreadKind::kMain};

// "vcpu", "device", "shmem-poller", "main".
std::string_view thread_kind_name(ThreadKind kind);

// What a policy depends on at run time.
struct PolicyContext {
  // tgkill may only signal threads of this process (kicks, abort()).
  int64_t pid;
};

struct ThreadPolicy {
  std::string name;
  SyscallRules rules;
};

ThreadPolicy policy_for(ThreadKind kind, const PolicyContext& context);

}  // namespace vmm::seccomp
