#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "hv/kvm/file_descriptor.h"
#include "vmm/seccomp/bpf_program.h"

namespace vmm::seccomp {

namespace {

constexpr unsigned kMaxArgIndex = 5;
constexpr int kMaxErrno = 4095;          // SECCOMP_RET_DATA holds errno values up to MAX_ERRNO
constexpr size_t kMaxInstructions = BPF_MAXINSNS;  // the kernel refuses longer programs

struct FilterContextDeleter {
  void operator()(void* context) const { seccomp_release(context); }
};
using FilterContext = std::unique_ptr<void, FilterContextDeleter>;

Error policy_error(const ThreadPolicy& policy, const std::string& what) {
  return make_error("seccomp policy '" + policy.name + "': " + what);
}

std::string rule_name(const SyscallRule& rule) { return "rule for '" + std::string(rule.name) + "'"; }

Result<std::vector<scmp_arg_cmp>> comparisons(const ThreadPolicy& policy, const SyscallRule& rule) {
  std::vector<scmp_arg_cmp> result;
  for (const ArgCheck& check : rule.checks) {
    if (check.index > kMaxArgIndex)
      return policy_error(policy, rule_name(rule) + " checks argument " + std::to_string(check.index) +
                                      "; system calls have arguments 0 to 5");
    if ((check.value & ~check.mask) != 0)
      return policy_error(policy, rule_name(rule) + " compares argument " + std::to_string(check.index) +
                                      " with a value that has bits outside its mask: it can never match");
    if (check.mask == ~uint64_t{0})
      result.push_back(scmp_arg_cmp{check.index, SCMP_CMP_EQ, check.value, 0});
    else
      result.push_back(scmp_arg_cmp{check.index, SCMP_CMP_MASKED_EQ, check.mask, check.value});
  }
  return result;
}

Result<void> add_rule(void* context, const ThreadPolicy& policy, const SyscallRule& rule) {
  std::string name(rule.name);
  if (name.empty()) return policy_error(policy, "a rule names no system call");
  int number = seccomp_syscall_resolve_name(name.c_str());
  if (number == __NR_SCMP_ERROR) return policy_error(policy, "unknown system call '" + name + "'");
  // libseccomp's negative numbers are pseudo-calls of other architectures.
  if (number < 0) return policy_error(policy, "'" + name + "' is not a system call on this architecture");
  if (rule.fail_with_errno < 0 || rule.fail_with_errno > kMaxErrno)
    return policy_error(policy, rule_name(rule) + " fails with errno " + std::to_string(rule.fail_with_errno) +
                                    "; it must be 1 to 4095 (or 0 to allow the call)");
  auto checks = VMM_TRY(comparisons(policy, rule));
  uint32_t action = rule.fail_with_errno ? SCMP_ACT_ERRNO(static_cast<uint16_t>(rule.fail_with_errno))
                                         : SCMP_ACT_ALLOW;
  // _exact: libseccomp may not rewrite the rule (it would for a call that
  // is multiplexed on this architecture); it fails instead.
  int rc = seccomp_rule_add_exact_array(context, action, number, static_cast<unsigned>(checks.size()),
                                        checks.data());
  if (rc < 0)
    return policy_error(policy, rule_name(rule) + " refused by libseccomp: " + std::strerror(-rc));
  return ok();
}

Result<void> set_attribute(void* context, const ThreadPolicy& policy, scmp_filter_attr attribute,
                           uint32_t value, const char* what) {
  int rc = seccomp_attr_set(context, attribute, value);
  if (rc < 0) return policy_error(policy, std::string("cannot set ") + what + ": " + std::strerror(-rc));
  return ok();
}

// libseccomp 2.5 exports only to a file descriptor; a memfd keeps it in memory.
Result<std::vector<sock_filter>> export_program(void* context, const ThreadPolicy& policy) {
  FileDescriptor memory(memfd_create("seccomp-bpf", MFD_CLOEXEC));
  if (!memory.valid()) return policy_error(policy, std::string("memfd_create: ") + std::strerror(errno));
  int rc = seccomp_export_bpf(context, memory.get());
  if (rc < 0) return policy_error(policy, std::string("cannot export the filter: ") + std::strerror(-rc));
  off_t size = lseek(memory.get(), 0, SEEK_END);
  if (size <= 0 || size % sizeof(sock_filter) != 0)
    return policy_error(policy, "libseccomp exported " + std::to_string(size) + " bytes, not whole BPF instructions");
  std::vector<sock_filter> program(static_cast<size_t>(size) / sizeof(sock_filter));
  if (program.size() > kMaxInstructions)
    return policy_error(policy, "the filter has " + std::to_string(program.size()) +
                                    " instructions; the kernel takes at most " + std::to_string(kMaxInstructions));
  if (pread(memory.get(), program.data(), static_cast<size_t>(size), 0) != size)
    return policy_error(policy, "cannot read back the exported filter");
  return program;
}

}  // namespace

Result<BpfProgram> build_filter(const ThreadPolicy& policy) {
  if (policy.rules.empty()) return policy_error(policy, "allows nothing, not even exit");
  FilterContext context(seccomp_init(SCMP_ACT_KILL_PROCESS));
  if (!context)
    return policy_error(policy, "libseccomp cannot make a filter that kills the process "
                                "(SECCOMP_RET_KILL_PROCESS needs Linux 4.14)");
  VMM_TRY_VOID(set_attribute(context.get(), policy, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS,
                             "the action for other architectures"));
  // A binary search over the call numbers instead of a linear scan: every
  // system call of the thread (KVM_RUN on a vCPU's) runs the filter first.
  VMM_TRY_VOID(set_attribute(context.get(), policy, SCMP_FLTATR_CTL_OPTIMIZE, 2, "binary-tree optimisation"));
  for (const SyscallRule& rule : policy.rules) VMM_TRY_VOID(add_rule(context.get(), policy, rule));
  return BpfProgram(VMM_TRY(export_program(context.get(), policy)));
}

}  // namespace vmm::seccomp
