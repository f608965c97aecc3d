// The policy tables compile into filters the kernel takes; the builder
// refuses policies that make no sense, naming the policy and the rule.
#include "vmm/seccomp/bpf_program.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <string>

#include "vmm/seccomp/thread_filters.h"
#include "vmm/seccomp/thread_policy.h"

namespace vmm::seccomp {
namespace {

const PolicyContext kContext{getpid()};

std::string error_of(const ThreadPolicy& policy) {
  auto built = build_filter(policy);
  return built.ok() ? std::string("(no error)") : built.error().message;
}

bool names(const ThreadPolicy& policy, std::string_view syscall) {
  return std::any_of(policy.rules.begin(), policy.rules.end(),
                     [&](const SyscallRule& rule) { return rule.name == syscall; });
}

TEST(ThreadPolicies, EveryKindCompilesWithinTheKernelsLimit) {
  for (ThreadKind kind : kAllThreadKinds) {
    ThreadPolicy policy = policy_for(kind, kContext);
    EXPECT_EQ(policy.name, thread_kind_name(kind));
    auto built = build_filter(policy);
    ASSERT_TRUE(built.ok()) << built.error().message;
    EXPECT_GT(built->instructions().size(), policy.rules.size());
    EXPECT_LE(built->instructions().size(), size_t{BPF_MAXINSNS});
  }
  auto all = ThreadFilters::compile();
  ASSERT_TRUE(all.ok()) << all.error().message;
  for (ThreadKind kind : kAllThreadKinds) EXPECT_FALSE(all->program(kind).empty());
}

TEST(ThreadPolicies, EachKindHasWhatItsJobNeedsAndNotWhatOthersNeed) {
  ThreadPolicy vcpu = policy_for(ThreadKind::kVcpu, kContext);
  ThreadPolicy device = policy_for(ThreadKind::kDevice, kContext);
  ThreadPolicy poller = policy_for(ThreadKind::kShmemPoller, kContext);
  ThreadPolicy main = policy_for(ThreadKind::kMain, kContext);
  for (const ThreadPolicy* p : {&vcpu, &device, &poller, &main}) {
    for (const char* everyone : {"futex", "mmap", "munmap", "write", "exit", "exit_group", "rt_sigreturn", "tgkill"})
      EXPECT_TRUE(names(*p, everyone)) << p->name << " " << everyone;
    for (const char* no_one : {"execve", "execveat", "fork", "vfork", "clone", "clone3", "ptrace", "open",
                               "unlink", "unlinkat", "mount", "init_module", "bpf", "process_vm_writev"})
      EXPECT_FALSE(names(*p, no_one)) << p->name << " " << no_one;
  }
  EXPECT_TRUE(names(vcpu, "ioctl"));
  EXPECT_TRUE(names(vcpu, "pread64"));
  EXPECT_FALSE(names(vcpu, "socket"));
  EXPECT_FALSE(names(vcpu, "read"));
  for (const ThreadPolicy* p : {&device, &poller})
    for (const char* net : {"socket", "connect", "sendto", "recvfrom", "recvmsg", "epoll_wait", "poll"})
      EXPECT_TRUE(names(*p, net)) << p->name << " " << net;
  EXPECT_FALSE(names(main, "socket"));
  EXPECT_FALSE(names(main, "epoll_wait"));
}

TEST(FilterBuilder, RefusesAnUnknownSystemCall) {
  std::string message = error_of({"vcpu", {{"exit"}, {"sokcet"}}});
  EXPECT_EQ(message, "seccomp policy 'vcpu': unknown system call 'sokcet'");
}

TEST(FilterBuilder, RefusesACallOfAnotherArchitecture) {
  // socketcall multiplexes the socket calls on i386; x86-64 has none.
  EXPECT_NE(error_of({"p", {{"socketcall"}}}).find("not a system call on this architecture"), std::string::npos);
}

TEST(FilterBuilder, RefusesAnArgumentThatDoesNotExist) {
  std::string message = error_of({"p", {{"ioctl", {arg_equals(6, 1)}}}});
  EXPECT_NE(message.find("seccomp policy 'p': rule for 'ioctl' checks argument 6"), std::string::npos) << message;
}

TEST(FilterBuilder, RefusesACheckThatCanNeverMatch) {
  std::string message = error_of({"p", {{"mmap", {arg_masked(2, 0x4, 0x2)}}}});
  EXPECT_NE(message.find("bits outside its mask"), std::string::npos) << message;
}

TEST(FilterBuilder, RefusesAnErrnoOutOfRange) {
  EXPECT_NE(error_of({"p", {{"openat", {}, 4096}}}).find("errno 4096"), std::string::npos);
  EXPECT_NE(error_of({"p", {{"openat", {}, -1}}}).find("errno -1"), std::string::npos);
}

TEST(FilterBuilder, RefusesAnEmptyPolicyAndANamelessRule) {
  EXPECT_EQ(error_of({"p", {}}), "seccomp policy 'p': allows nothing, not even exit");
  EXPECT_EQ(error_of({"p", {{""}}}), "seccomp policy 'p': a rule names no system call");
}

TEST(FilterBuilder, IoctlRequestsCompareTheLow32BitsOnly) {
  ArgCheck check = ioctl_request(0xffffffff8090ae81ul);  // a sign-extended _IOR number
  EXPECT_EQ(check.index, 1u);
  EXPECT_EQ(check.mask, 0xffffffffu);
  EXPECT_EQ(check.value, 0x8090ae81u);
}

}  // namespace
}  // namespace vmm::seccomp
