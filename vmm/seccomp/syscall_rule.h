// One line of a seccomp allowlist: a system call by name, what happens when
// it is made, and optional checks on its arguments. A thread's policy is a
// table of these (policy_tables.h); filter_builder.h turns a table into a
// BPF program. Anything a table does not name kills the process.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace vmm::seccomp {

// A check on one argument of the call, all 64 bits compared:
// (argument & mask) == value. mask ~0 is plain equality.
struct ArgCheck {
  unsigned index;  // 0..5, the system call's argument number
  uint64_t mask;
  uint64_t value;
};

inline constexpr ArgCheck arg_equals(unsigned index, uint64_t value) {
  return {index, ~uint64_t{0}, value};
}

// The bits of `mask` in the argument are exactly `value`.
inline constexpr ArgCheck arg_masked(unsigned index, uint64_t mask, uint64_t value) {
  return {index, mask, value};
}

// An ioctl request (argument 1). The kernel reads it as a 32-bit unsigned
// int (fs/ioctl.c), so only the low 32 bits are compared: a caller that
// sign-extends a request with bit 31 set (any _IOR/_IOW/_IOWR number) still
// matches, and high bits cannot smuggle a different request past the check.
inline constexpr ArgCheck ioctl_request(unsigned long request) {
  return {1, 0xffffffffu, request & 0xffffffffu};
}

struct SyscallRule {
  // The name libseccomp knows it by ("ioctl", "epoll_wait").
  std::string_view name;
  // Every check must hold (AND). Several rules naming the same call are
  // alternatives (OR): one of them matching is enough.
  std::vector<ArgCheck> checks = {};
  // 0: the call is allowed. Otherwise it fails with this errno instead of
  // killing the process (for calls a library makes lazily and copes with
  // failing, see policy_tables.h).
  int fail_with_errno = 0;
};

using SyscallRules = std::vector<SyscallRule>;

}  // namespace vmm::seccomp
