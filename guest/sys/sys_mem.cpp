// mmap and munmap: private anonymous memory only, demand-zero.
#include "mm/aspace.h"
#include "proc/process.h"
#include "sys/syscall.h"
#include "uapi/abi.h"
#include "uapi/errno.h"

// mmap(addr, length, prot, flags, fd, offset); addr is only a hint and is
// ignored.
int64_t sys_mmap(const SyscallArgs& a) {
  uint64_t len = a.a1;
  auto prot = static_cast<uint32_t>(a.a2);
  auto flags = static_cast<uint32_t>(a.a3);
  constexpr uint32_t kAllProt = uabi::kProtRead | uabi::kProtWrite | uabi::kProtExec;
  if (prot & ~kAllProt) return -err::kInval;
  if (!(flags & uabi::kMapAnonymous) || !(flags & uabi::kMapPrivate)) return -err::kInval;
  if (flags & (uabi::kMapShared | uabi::kMapFixed)) return -err::kInval;
  return aspace::map_anonymous(current_process()->as, len, prot);
}

// munmap(addr, length)
int64_t sys_munmap(const SyscallArgs& a) {
  return aspace::unmap(current_process()->as, a.a0, a.a1);
}
