// shm_take(lease): shm0's rings into the calling process (uapi/abi.h,
// ShmLease; issue 18). The work is netglue's (netglue/netif.h); this checks
// the user's pointer and undoes the hand-over if the lease cannot reach it.
#include "mm/aspace.h"
#include "mm/uaccess.h"
#include "netglue/netif.h"
#include "proc/process.h"
#include "sys/syscall.h"
#include "uapi/abi.h"
#include "uapi/errno.h"

int64_t sys_shm_take(const SyscallArgs& a) {
  Process* self = current_process();
  uabi::ShmLease lease{};
  // A bad pointer is refused before anything is handed over.
  if (copy_to_user(a.a0, &lease, sizeof(lease)) < 0) return -err::kFault;
  if (int64_t r = net_shm0_hand_over(self->pid, self->as, &lease); r < 0) return r;
  if (copy_to_user(a.a0, &lease, sizeof(lease)) < 0) {
    aspace::unmap(self->as, lease.addr, lease.size);
    net_shm0_take_back(self->pid);
    return -err::kFault;
  }
  return 0;
}
