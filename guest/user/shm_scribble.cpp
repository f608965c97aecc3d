// shm-scribble: a hostile guest for the shared-memory device. Asks the
// kernel (kdebug) to move the device's guest-to-host producer index 1000
// slots past the ring, waits for the VMM's poller to see it, then shows the
// VM still runs: it prints, and exits 0 (the VM powers off with status 0).
// Exit status 1 if the kernel could not scribble (no shmem= device).
#include "ulib.h"

int main() {
  long r = u::kdebug(uabi::kKdebugShmemScribble, uabi::kShmemScribbleHead);
  if (r < 0) {
    u::printf("shm-scribble: kdebug failed: %ld\n", r);
    return 1;
  }
  u::printf("shm-scribble: guest-to-host head moved past the ring\n");
  u::sleep_ns(300'000'000);  // the poller looks at least every max-latency
  u::printf("shm-scribble: the VM still runs\n");
  return 0;
}
