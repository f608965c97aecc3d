#include "sched/idle.h"

#include "arch/x86/include/x86.h"
#include "boot/cmdline.h"
#include "kernel/console.h"

namespace {

constexpr int kMaxHooks = 4;

struct Hook {
  IdlePollHook fn;
  void* ctx;
};

bool g_poll = false;
Hook g_hooks[kMaxHooks];
int g_hook_count;  // published after the entry is written

void run_hooks() {
  int n = __atomic_load_n(&g_hook_count, __ATOMIC_ACQUIRE);
  for (int i = 0; i < n; ++i) g_hooks[i].fn(g_hooks[i].ctx);
}

}  // namespace

void idle_init() {
  Str v;
  if (!cmdline::get("idle", &v)) return;
  if (v == "poll") {
    g_poll = true;
  } else if (!(v == "halt")) {
    kprintf("idle: unknown idle=%.*s, using halt\n", static_cast<int>(v.len), v.data);
  }
}

bool idle_polls() { return g_poll; }

bool idle_add_poll_hook(IdlePollHook hook, void* ctx) {
  // Registration happens during boot/driver start-up, one at a time.
  if (g_hook_count == kMaxHooks) return false;
  g_hooks[g_hook_count] = {hook, ctx};
  __atomic_store_n(&g_hook_count, g_hook_count + 1, __ATOMIC_RELEASE);
  return true;
}

void idle_wait() {
  run_hooks();
  if (g_poll) {
    x86::sti();
    x86::pause();
  } else {
    x86::sti_hlt();  // an interrupt between the caller's check and hlt still wakes it
  }
}
