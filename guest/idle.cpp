#include "idle.h"

#include "cmdline.h"
#include "console.h"
#include "x86.h"

namespace {
bool g_poll = false;
}

void idle_init() {
  Str v;
  if (!cmdline::get("idle", &v)) return;
  if (v == "poll") {
    g_poll = true;
  } else if (!(v == "halt")) {
    kprintf("idle: unknown idle=%.*s, using halt\n", static_cast<int>(v.len), v.data);
  }
}

void idle_loop() {
  for (;;) {
    if (g_poll) {
      x86::pause();
    } else {
      x86::sti_hlt();
    }
  }
}
