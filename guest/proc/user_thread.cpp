#include "proc/user_thread.h"

#include "mm/aspace.h"
#include "mm/kheap.h"
#include "mm/pmm.h"
#include "proc/process.h"
#include "sched/sched.h"
#include "sched/thread.h"

namespace {

AddressSpace* address_space(const Thread* t) { return t->proc->as; }

[[noreturn]] void exit_killed() { thread_exit(0); }

// Called by the scheduler on the next thread once a dead thread t is fully
// switched out: frees its stack and address-space reference, tells joiners
// and the process.
void thread_release(Thread* t) {
  Process* p = t->proc;
  kheap::release(t->io_buffer, kThreadIoBufferSize);
  t->io_buffer = nullptr;
  int64_t value = t->exit_value;
  pmm::put_contiguous(t->kstack_phys, kKernelStackPages);
  aspace::put(p->as);
  __atomic_store_n(&t->exited, true, __ATOMIC_RELEASE);
  t->join_queue.wake_all();
  process_thread_gone(p, value);  // may reap t's slot: t is not touched after
}

}  // namespace

void user_threads_init() {
  sched_set_thread_owner({.address_space = address_space,
                          .exit_killed = exit_killed,
                          .release = thread_release});
}

Thread* thread_create_user(Process* p, const TrapFrame& frame, uint32_t tid) {
  Thread* t = thread_create(p, frame, tid);
  if (t == nullptr) return nullptr;
  aspace::get(p->as);
  process_thread_added(p);
  return t;
}

void thread_exit(int64_t value) {
  process_thread_exiting(current_process());
  current_thread()->exit_value = value;
  sched_exit();
}
