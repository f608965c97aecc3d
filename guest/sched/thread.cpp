#include "sched/thread.h"

#include "arch/x86/cpu/percpu.h"
#include "arch/x86/include/layout.h"
#include "lib/kstring.h"
#include "lib/spinlock.h"
#include "mm/kheap.h"
#include "mm/pmm.h"

extern "C" char thread_start[];  // switch.S

Thread g_threads[kMaxThreads];

namespace {

constinit SpinLock g_slot_lock;
uint32_t g_next_id = 1;

// The words context_switch pops (rbx, rbp, r12-r15) and its return address.
struct SwitchFrame {
  uint64_t r15, r14, r13, r12, rbx, rbp;
  uint64_t rip;
};

Thread* claim_slot() {
  SpinLocker lock(g_slot_lock);
  for (Thread& t : g_threads) {
    if (t.state != ThreadState::kFree) continue;
    t.state = ThreadState::kNew;
    return &t;
  }
  return nullptr;
}

void reset(Thread* t, Process* p, uint32_t tid) {
  t->on_cpu = false;
  t->is_idle = false;
  t->killed = false;
  t->exited = false;
  t->joined = false;
  t->tid = tid ? tid : alloc_id();
  t->cpu = this_cpu()->id;
  t->affinity = ~0ull;
  t->proc = p;
  t->exit_value = 0;
  t->rq_next = nullptr;
  t->waiting_on = nullptr;
  t->wq_next = nullptr;
  t->timeout_cpu = -1;
  t->timeout_next = nullptr;
  t->join_queue = WaitQueue();
}

}  // namespace

Thread* current_thread() { return this_cpu()->current; }

uint32_t alloc_id() { return __atomic_fetch_add(&g_next_id, 1, __ATOMIC_RELAXED); }

Thread* thread_create(Process* p, const TrapFrame& frame, uint32_t tid) {
  Thread* t = claim_slot();
  if (t == nullptr) return nullptr;
  uint64_t stack = pmm::alloc_contiguous(kKernelStackPages);
  if (stack == 0) {
    thread_free(t);
    return nullptr;
  }
  reset(t, p, tid);
  t->kstack_phys = stack;
  t->kstack_top = reinterpret_cast<uint64_t>(layout::phys_to_virt(stack)) +
                  kKernelStackPages * layout::kPageSize;
  *t->user_frame() = frame;
  auto* sf = reinterpret_cast<SwitchFrame*>(t->user_frame()) - 1;
  memset(sf, 0, sizeof(*sf));
  sf->rip = reinterpret_cast<uint64_t>(thread_start);
  t->saved_rsp = reinterpret_cast<uint64_t>(sf);
  return t;
}

uint8_t* thread_io_buffer() {
  Thread* t = current_thread();
  if (t->io_buffer == nullptr) {
    t->io_buffer = static_cast<uint8_t*>(kheap::allocate(kThreadIoBufferSize, false));
  }
  return t->io_buffer;
}

Thread* thread_find(Process* p, uint32_t tid) {
  for (Thread& t : g_threads) {
    if (t.proc == p && t.tid == tid && t.state != ThreadState::kFree) return &t;
  }
  return nullptr;
}

void thread_free(Thread* t) {
  t->proc = nullptr;
  __atomic_store_n(&t->state, ThreadState::kFree, __ATOMIC_RELEASE);
}
