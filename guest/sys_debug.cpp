// kdebug(op, arg): hooks for the kernel's self-test programs (uabi
// kKdebug*). Not a general-purpose call: it can panic the kernel on purpose.
#include "layout.h"
#include "panic.h"
#include "process.h"
#include "sched.h"
#include "syscall.h"
#include "uaccess.h"
#include "uapi/abi.h"
#include "uapi/errno.h"

namespace {

// The deliberate bug smap-test needs: a kernel read of user memory outside
// the copy routines. With SMAP on, this faults (and the kernel panics).
int64_t touch_user(uint64_t addr) {
  if (!layout::is_user_address(addr)) return -err::kFault;
  return *reinterpret_cast<volatile const uint8_t*>(addr);
}

int64_t count_bits(uint64_t v) {
  int64_t n = 0;
  for (; v; v &= v - 1) ++n;
  return n;
}

}  // namespace

int64_t sys_kdebug(const SyscallArgs& a) {
  switch (static_cast<int>(a.a0)) {
    case uabi::kKdebugPanic:
      panic("requested by pid %u (%s)", current_process()->pid, current_process()->name);
    case uabi::kKdebugSmapEnabled:
      return g_smap_enabled ? 1 : 0;
    case uabi::kKdebugTouchUser:
      return touch_user(a.a1);
    case uabi::kKdebugCpuCount:
      return count_bits(sched_online_mask());
    default:
      return -err::kInval;
  }
}
