// Threads and CPUs: creation and joining, yielding, affinity, getcpu.
#include "arch/x86/cpu/percpu.h"
#include "arch/x86/include/layout.h"
#include "mm/uaccess.h"
#include "proc/exec.h"
#include "proc/process.h"
#include "proc/user_thread.h"
#include "sched/sched.h"
#include "sched/thread.h"
#include "sys/syscall.h"
#include "uapi/errno.h"

namespace {

Thread* thread_by_tid(uint64_t tid) {
  if (tid == 0) return current_thread();
  return thread_find(current_process(), static_cast<uint32_t>(tid));
}

}  // namespace

int64_t sys_gettid(const SyscallArgs&) { return current_thread()->tid; }

int64_t sys_sched_yield(const SyscallArgs&) {
  sched_yield();
  return 0;
}

// thread_create(rip, rsp, arg0, arg1): a new thread of this process that
// starts at rip on stack rsp with arg0, arg1 in rdi, rsi. Returns its tid.
int64_t sys_thread_create(const SyscallArgs& a) {
  uint64_t rip = a.a0, rsp = a.a1;
  if (rip < layout::kUserBase || !layout::is_user_address(rip) || rsp > layout::kUserTop) {
    return -err::kInval;
  }
  TrapFrame frame = initial_frame(rip, rsp);
  frame.rdi = a.a2;
  frame.rsi = a.a3;
  Process* p = current_process();
  Thread* t = thread_create_user(p, frame, 0);
  if (t == nullptr) return -err::kAgain;
  t->affinity = current_thread()->affinity;
  // A kill that scanned the threads before this one existed still ends it.
  if (__atomic_load_n(&p->exiting, __ATOMIC_SEQ_CST)) t->killed = true;
  sched_start(t);
  return t->tid;
}

// thread_join(tid, value): waits until thread tid has exited, stores its
// exit value, frees it.
int64_t sys_thread_join(const SyscallArgs& a) {
  Thread* t = thread_by_tid(a.a0);
  if (t == nullptr || a.a0 == 0) return -err::kSrch;
  if (t == current_thread()) return -err::kDeadlk;
  if (__atomic_exchange_n(&t->joined, true, __ATOMIC_ACQ_REL)) return -err::kInval;
  WaitResult r = t->join_queue.wait([t] { return __atomic_load_n(&t->exited, __ATOMIC_ACQUIRE); });
  if (r == WaitResult::kInterrupted) return -err::kIntr;  // reaped with the process
  int64_t value = t->exit_value;
  thread_free(t);
  if (a.a1 && put_user(a.a1, value) < 0) return -err::kFault;
  return 0;
}

// sched_setaffinity(tid, len, mask): only the first 64 CPUs exist.
int64_t sys_sched_setaffinity(const SyscallArgs& a) {
  Thread* t = thread_by_tid(a.a0);
  if (t == nullptr) return -err::kSrch;
  uint64_t mask = 0;
  size_t len = a.a1 < sizeof(mask) ? a.a1 : sizeof(mask);
  if (copy_from_user(&mask, a.a2, len) < 0) return -err::kFault;
  mask &= sched_online_mask();
  if (mask == 0) return -err::kInval;
  sched_set_affinity(t, mask);
  return 0;
}

// sched_getaffinity(tid, len, mask): returns the bytes written (8).
int64_t sys_sched_getaffinity(const SyscallArgs& a) {
  Thread* t = thread_by_tid(a.a0);
  if (t == nullptr) return -err::kSrch;
  if (a.a1 < sizeof(uint64_t)) return -err::kInval;
  uint64_t mask = t->affinity & sched_online_mask();
  if (put_user(a.a2, mask) < 0) return -err::kFault;
  return sizeof(mask);
}

// getcpu(cpu, node, cache)
int64_t sys_getcpu(const SyscallArgs& a) {
  uint32_t cpu = this_cpu()->id, node = 0;
  if (a.a0 && put_user(a.a0, cpu) < 0) return -err::kFault;
  if (a.a1 && put_user(a.a1, node) < 0) return -err::kFault;
  return 0;
}
