// kdebug(op, arg): hooks for the kernel's self-test programs (uabi
// kKdebug*). Not a general-purpose call: it can panic the kernel on purpose.
#include "abi/shmem_ring.h"
#include "arch/x86/cpu/percpu.h"
#include "arch/x86/include/layout.h"
#include "lib/spinlock.h"
#include "kernel/panic.h"
#include "mm/pmm.h"
#include "mm/shm_region.h"
#include "mm/uaccess.h"
#include "proc/process.h"
#include "sched/sched.h"
#include "sys/syscall.h"
#include "uapi/abi.h"
#include "uapi/errno.h"

namespace {

// The deliberate bug smap-test needs: a kernel read of user memory outside
// the copy routines. With SMAP on, this faults (and the kernel panics).
int64_t touch_user(uint64_t addr) {
  if (!layout::is_user_address(addr)) return -err::kFault;
  return *reinterpret_cast<volatile const uint8_t*>(addr);
}

// The hostile guest's move: the producer index jumps past the ring. The VMM
// must notice, stop the device and keep the VM running.
int64_t scribble_on_shmem(long what) {
  shm::Region region;
  if (!shm::region_from_cmdline(&region)) return -err::kNoDev;
  if (what != uabi::kShmemScribbleHead) return -err::kInval;
  auto* header = static_cast<shmem::Header*>(layout::phys_to_virt(region.phys));
  uint32_t tail = __atomic_load_n(&header->guest_to_host_tail.index, __ATOMIC_ACQUIRE);
  uint32_t garbage = tail + static_cast<uint32_t>(header->config.slots_per_ring) + 1000;
  __atomic_store_n(&header->guest_to_host_head.index, garbage, __ATOMIC_RELEASE);
  return 0;
}

int64_t kernel_entries(uint64_t user_dst) {
  uabi::KernelEntries e;
  uint32_t id;
  {
    InterruptsOff irq_off;  // one CPU's counters, read on it
    Cpu* cpu = this_cpu();
    e = {cpu->syscalls, cpu->interrupts, cpu->exceptions};
    id = cpu->id;
  }
  if (copy_to_user(user_dst, &e, sizeof e) != 0) return -err::kFault;
  return id;
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
    case uabi::kKdebugShmemScribble:
      return scribble_on_shmem(static_cast<long>(a.a1));
    case uabi::kKdebugFreeFrames:
      return static_cast<int64_t>(pmm::free_frames());
    case uabi::kKdebugKernelEntries:
      return kernel_entries(a.a1);
    case uabi::kKdebugTimerInterrupts:
      if (a.a1 >= 64 || !((sched_online_mask() >> a.a1) & 1)) return -err::kInval;
      return static_cast<int64_t>(sched_timer_interrupts(static_cast<uint32_t>(a.a1)));
    default:
      return -err::kInval;
  }
}
