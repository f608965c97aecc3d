#include "kernel/debug_exit_port.h"

#include "abi/platform.h"
#include "arch/x86/include/x86.h"

void debug_exit(uint8_t value) {
  x86::outb(abi::kDebugExitPort, value);
  x86::halt_forever();
}
