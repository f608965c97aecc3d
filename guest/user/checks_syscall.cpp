// Checks of the system call interface itself.
#include "selftest.h"

extern "C" long syscall_with_patterns(long nr, long arg0, uint64_t out[16]);  // regs.S

namespace selftest {
namespace {

struct Expected {
  const char* name;
  int slot;
  uint64_t value;
};

// What regs.S loaded, and where it stored what came back; rdi carries the
// argument.
const Expected kPreserved[] = {
    {"rbx", 1, 0x1111111111111111}, {"rdx", 3, 0x3333333333333333},
    {"rsi", 4, 0x4444444444444444}, {"r8", 7, 0x8888888888888888},
    {"r9", 8, 0x9999999999999999},  {"r10", 9, 0xaaaaaaaaaaaaaaaa},
    {"r12", 11, 0xcccccccccccccccc}, {"r13", 12, 0xdddddddddddddddd},
    {"r14", 13, 0xeeeeeeeeeeeeeeee}, {"r15", 14, 0xffffffffffffffff},
};

bool check_call(const char* what, long nr, long arg0, long expect_rax) {
  uint64_t out[16] = {};
  syscall_with_patterns(nr, arg0, out);
  // out: rax rbx rcx rdx rsi rdi expected-rcx r8 r9 r10 r11 r12 r13 r14 r15
  if (static_cast<long>(out[0]) != expect_rax) return fail("%s: rax 0x%lx", what, out[0]);
  for (const Expected& e : kPreserved) {
    uint64_t got = out[e.slot];
    if (got != e.value) return fail("%s: %s came back as 0x%lx", what, e.name, got);
  }
  if (out[5] != static_cast<uint64_t>(arg0)) return fail("%s: rdi came back as 0x%lx", what, out[5]);
  if (out[2] != out[6]) return fail("%s: rcx 0x%lx is not the return address", what, out[2]);
  if ((out[10] & 0x202) != 0x202) return fail("%s: r11 0x%lx is not user RFLAGS", what, out[10]);
  return true;
}

}  // namespace

// After a system call every register is the caller's again, except RAX (the
// result) and RCX/R11 (return address and RFLAGS, as SYSRET defines them):
// no kernel value leaks, whether the call returns at once or after a sleep.
bool syscall_regs() {
  static uabi::Timespec one_ms{0, 1'000'000};
  if (!check_call("getpid", sys::kGetpid, 0, u::getpid())) return false;
  if (!check_call("nanosleep", sys::kNanosleep, reinterpret_cast<long>(&one_ms), 0)) return false;
  if (!check_call("unknown call", 9999, 0, -err::kNoSys)) return false;
  return true;
}

// Linux calls this kernel does not have (open, fstat, ioctl, kill), the
// gaps around its own numbers, and numbers outside the table say ENOSYS.
bool enosys() {
  const long missing[] = {2, 5, 16, 62, 499, sys::kTableSize, 9999, -1};
  for (long nr : missing) {
    long r = u::syscall(nr, 2, 1, 0);
    if (r != -err::kNoSys) return fail("syscall %ld returned %ld, not -ENOSYS", nr, r);
  }
  return true;
}

namespace {

int exec_exit_9() {
  const char* argv[] = {"selftest", "--exit", "9", nullptr};
  u::execve("selftest", argv);
  return 50;  // execve returned: failed
}

}  // namespace

// spawn and execve start built-in programs with their arguments.
bool exec() {
  const char* argv[] = {"selftest", "--exit", "5", nullptr};
  long pid = u::spawn("selftest", argv);
  if (pid < 0) return fail("spawn returned %ld", pid);
  int status = 0;
  if (u::wait(pid, &status) != pid || !uabi::wifexited(status) || uabi::wexitstatus(status) != 5) {
    return fail("spawned child status 0x%x, not exit 5", status);
  }
  status = in_child(exec_exit_9);
  if (status < 0 || !uabi::wifexited(status) || uabi::wexitstatus(status) != 9) {
    return fail("exec'd child status 0x%x, not exit 9", status);
  }
  if (long r = u::spawn("no-such-program", argv); r != -err::kNoEnt) {
    return fail("spawn of a missing program returned %ld", r);
  }
  if (long r = u::wait(-1, &status); r != -err::kChild) return fail("wait4 without children returned %ld", r);
  return true;
}

}  // namespace selftest
