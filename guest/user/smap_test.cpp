// smap-test: makes the kernel read user memory outside its copy routines.
// With SMAP the kernel must panic with a SMAP page fault (VM status 3).
// Without SMAP it says so and exits with uabi::kSmapTestNoSmapStatus (VM
// status 9) rather than pretend.
#include "ulib.h"

namespace {
volatile uint8_t g_page[4096] __attribute__((aligned(4096)));
}

int main() {
  g_page[0] = 0x5a;  // present and writable: only SMAP can stop the kernel
  if (u::kdebug(uabi::kKdebugSmapEnabled) != 1) {
    u::printf("smap-test: CPU has no SMAP, exiting with status %d\n", uabi::kSmapTestNoSmapStatus);
    return uabi::kSmapTestNoSmapStatus;
  }
  u::printf("smap-test: SMAP present; the kernel now reads user memory outside its copy routines\n");
  long v = u::kdebug(uabi::kKdebugTouchUser, reinterpret_cast<long>(&g_page[0]));
  u::printf("smap-test: FAIL the kernel read 0x%lx and did not fault\n", v);
  return 1;
}
