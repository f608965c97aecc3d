// selftest [CHECK...]: runs the named checks (default: all), each in a
// child process, printing "selftest NAME: ok" or "selftest NAME: FAIL <why>"
// per check and then "selftest: N passed, M failed". Exit status 0 if all
// passed, else 2.
//
// Internal modes: "selftest --run NAME" runs one check (exit 0 = ok,
// 1 = failed and reported); "selftest --exit N" exits with N (for exec).
#include "selftest.h"

#include <stdarg.h>

#include "lib/format.h"

namespace selftest {
namespace {

struct Check {
  const char* name;
  bool (*run)();
};

const Check kChecks[] = {
    {"efault-write", efault_write},
    {"efault-read", efault_read},
    {"user-reads-kernel", user_reads_kernel},
    {"null-deref", null_deref},
    {"demand-paging", demand_paging},
    {"cow", cow},
    {"munmap", munmap_check},
    {"nested-fault", nested_fault},
    {"smp-threads", smp_threads},
    {"preempt", preempt},
    {"sleep", sleep},
    {"tickless", tickless},
    {"thread-join", thread_join},
    {"exit-group", exit_group},
    {"syscall-regs", syscall_regs},
    {"enosys", enosys},
    {"exec", exec},
};

const char* g_running = "?";

const Check* find(const char* name) {
  for (const Check& c : kChecks) {
    if (u::streq(c.name, name)) return &c;
  }
  return nullptr;
}

// Runs one check in a child process and reports it; true if it passed.
bool run_one(const char* name) {
  if (find(name) == nullptr) {
    u::printf("selftest %s: FAIL unknown check\n", name);
    return false;
  }
  const char* argv[] = {"selftest", "--run", name, nullptr};
  long pid = u::spawn("selftest", argv);
  if (pid < 0) {
    u::printf("selftest %s: FAIL spawn returned %ld\n", name, pid);
    return false;
  }
  int status = 0;
  long r = u::wait(pid, &status);
  if (r != pid) {
    u::printf("selftest %s: FAIL wait4 returned %ld\n", name, r);
  } else if (uabi::wifexited(status) && uabi::wexitstatus(status) == 0) {
    u::printf("selftest %s: ok\n", name);
    return true;
  } else if (uabi::wifsignaled(status)) {
    u::printf("selftest %s: FAIL killed by signal %d\n", name, uabi::wtermsig(status));
  } else if (uabi::wexitstatus(status) != 1) {  // 1: the check reported itself
    u::printf("selftest %s: FAIL exit status %d\n", name, uabi::wexitstatus(status));
  }
  return false;
}

int run_all(int argc, char** argv) {
  int passed = 0, failed = 0;
  if (argc > 1) {
    for (int i = 1; i < argc; ++i) (run_one(argv[i]) ? passed : failed)++;
  } else {
    for (const Check& c : kChecks) (run_one(c.name) ? passed : failed)++;
  }
  u::printf("selftest: %d passed, %d failed\n", passed, failed);
  return failed ? 2 : 0;
}

}  // namespace

bool fail(const char* fmt, ...) {
  char why[256];
  va_list ap;
  va_start(ap, fmt);
  struct Ctx {
    char* buf;
    size_t len;
  } ctx{why, 0};
  vformat(
      [](char c, void* p) {
        auto* x = static_cast<Ctx*>(p);
        if (x->len + 1 < sizeof(why)) x->buf[x->len++] = c;
      },
      &ctx, fmt, ap);
  va_end(ap);
  why[ctx.len] = '\0';
  u::printf("selftest %s: FAIL %s\n", g_running, why);
  return false;
}

int in_child(int (*fn)()) {
  long pid = u::fork();
  if (pid == 0) u::exit(fn());
  if (pid < 0) return -1;
  int status = 0;
  if (u::wait(pid, &status) != pid) return -1;
  return status;
}

bool killed_by_segv(int status) {
  return status >= 0 && uabi::wifsignaled(status) && uabi::wtermsig(status) == uabi::kSigSegv;
}

}  // namespace selftest

int main(int argc, char** argv) {
  using namespace selftest;
  if (argc == 3 && u::streq(argv[1], "--exit")) return static_cast<int>(u::parse_long(argv[2]));
  if (argc == 3 && u::streq(argv[1], "--run")) {
    const Check* c = find(argv[2]);
    if (c == nullptr) return 3;
    g_running = c->name;
    return c->run() ? 0 : 1;
  }
  return run_all(argc, argv);
}
