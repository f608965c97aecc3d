#include "init/init.h"

#include "arch/x86/platform/power.h"
#include "boot/cmdline.h"
#include "kernel/console.h"
#include "kernel/debug_exit_port.h"
#include "kernel/panic.h"
#include "lib/kstring.h"
#include "proc/exec.h"
#include "proc/process.h"
#include "uapi/abi.h"

namespace {

constexpr const char* kDefaultInit = "selftest";

void on_init_exit(Process* p, int status) {
  if (uabi::wifexited(status)) {
    int code = uabi::wexitstatus(status);
    kprintf("init: %s exited with status %d\n", p->name, code);
    if (code == 0) {
      Status s = power_off();
      panic("init: power-off failed: %s", s.message());
    }
    debug_exit(static_cast<uint8_t>(code));
  }
  int sig = uabi::wtermsig(status);
  kprintf("init: %s killed by signal %d\n", p->name, sig);
  debug_exit(static_cast<uint8_t>(128 + sig));
}

void mark_init(Process* p) { process_set_init(p, on_init_exit); }

void copy_word(Str w, char* out, size_t size) {
  size_t n = w.len < size - 1 ? w.len : size - 1;
  memcpy(out, w.data, n);
  out[n] = '\0';
}

// argv[0] is the program's name, then the words after " -- ".
void build_args(const char* name, ArgVector* args) {
  copy_word(Str(name), args->args[0], sizeof(args->args[0]));
  args->argc = 1;
  for (size_t i = 0; i < cmdline::init_argc() && args->argc < uabi::kMaxArgs; ++i) {
    copy_word(cmdline::init_arg(i), args->args[args->argc++], sizeof(args->args[0]));
  }
}

}  // namespace

void init_start() {
  char name[uabi::kMaxNameLen];
  Str v;
  copy_word(cmdline::get("init", &v) && !v.empty() ? v : Str(kDefaultInit), name, sizeof(name));
  static ArgVector args;  // 2 KiB: not on the boot stack
  build_args(name, &args);
  kprintf("init: starting %s\n", name);
  int64_t pid = spawn_program(nullptr, name, args, mark_init);
  if (pid < 0) panic("init: cannot start '%s' (error %ld)", name, -pid);
}
