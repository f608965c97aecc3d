#include "vmm/seccomp/thread_policy.h"

#include "vmm/seccomp/policy_tables.h"

namespace vmm::seccomp {

namespace {

void append(SyscallRules& to, SyscallRules from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

}  // namespace

std::string_view thread_kind_name(ThreadKind kind) {
  switch (kind) {
    case ThreadKind::kVcpu: return "vcpu";
    case ThreadKind::kDevice: return "device";
    case ThreadKind::kShmemPoller: return "shmem-poller";
    case ThreadKind::kMain: return "main";
  }
  return "unknown";
}

ThreadPolicy policy_for(ThreadKind kind, const PolicyContext& context) {
  ThreadPolicy policy{std::string(thread_kind_name(kind)), runtime_rules(context)};
  switch (kind) {
    case ThreadKind::kVcpu:
      append(policy.rules, refused_opens());
      append(policy.rules, vcpu_rules());
      break;
    case ThreadKind::kDevice:
      append(policy.rules, refused_opens());
      append(policy.rules, network_rules());
      append(policy.rules, device_rules());
      break;
    case ThreadKind::kShmemPoller:
      append(policy.rules, refused_opens());
      append(policy.rules, network_rules());
      break;
    case ThreadKind::kMain:
      append(policy.rules, refused_opens());
      append(policy.rules, main_rules(context));
      break;
  }
  return policy;
}

}  // namespace vmm::seccomp
