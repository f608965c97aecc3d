// Threads: what the scheduler runs. A user thread has its own kernel stack
// (16 KiB, from the frame allocator) whose top holds the user registers
// (TrapFrame) while it is in the kernel; each CPU also has an idle thread on
// its boot stack. Threads live in a fixed table; a slot is reused after the
// thread has exited and been reaped (joined, or its process waited for).
#pragma once

#include <stdint.h>

#include "arch/x86/include/trapframe.h"
#include "lib/spinlock.h"
#include "sched/waitqueue.h"

struct Process;

enum class ThreadState : uint8_t {
  kFree,      // slot unused
  kNew,       // created, not yet started
  kRunnable,  // on a run queue (or about to be put on one)
  kRunning,   // on a CPU
  kBlocked,   // sleeping on a wait queue or timeout
  kDead,      // exited; reaped once fully switched out
};

inline constexpr uint32_t kMaxThreads = 256;
inline constexpr uint32_t kKernelStackPages = 4;
// A socket call copies user data through this per-thread kernel buffer
// (the network stack runs under a spin lock and must not fault on user
// memory); one per thread, since a call may sleep holding it.
inline constexpr size_t kThreadIoBufferSize = 64 * 1024;
// The current thread's buffer (allocated, not zeroed, on first use), or
// nullptr if memory is short.
uint8_t* thread_io_buffer();

struct Thread {
  uint64_t saved_rsp{};  // switch.S: offset 0, the stack of a switched-out thread
  RawSpinLock lock{};    // state, on_cpu; held across a context switch
  ThreadState state{};
  bool on_cpu{};  // a CPU runs it, or has not finished switching away from it
  bool is_idle{};
  bool killed{};  // the process is ending: leave at the next chance
  bool exited{};  // dead and fully switched out (joinable / reapable)
  bool joined{};  // someone has claimed its exit value
  uint32_t tid{};
  uint32_t cpu{};       // where it runs or ran last
  uint64_t affinity{};  // CPUs it may run on (bit = cpu id)
  Process* proc{};      // nullptr for idle threads
  uint64_t kstack_phys{};  // 0 for idle threads (static stacks)
  uint64_t kstack_top{};
  int64_t exit_value{};

  Thread* rq_next{};       // run queue link
  WaitQueue* waiting_on{}; // wait queue link (waitqueue.cpp)
  Thread* wq_next{};
  int32_t timeout_cpu{-1};   // timer list this thread is on, -1 if none
  uint64_t wake_tsc{};
  Thread* timeout_next{};
  WaitQueue join_queue{};  // woken when it has exited
  uint8_t* io_buffer{};    // kThreadIoBufferSize bytes for socket calls, made on first use

  TrapFrame* user_frame() const {
    return reinterpret_cast<TrapFrame*>(kstack_top - sizeof(TrapFrame));
  }
};

extern Thread g_threads[kMaxThreads];

// A new thread of p (state kNew) with its kernel stack, that will enter
// user mode with frame (copied to the top of that stack); tid 0 picks a
// fresh id. nullptr if out of slots or memory. The process's side (its
// thread count, the address-space reference) is proc/user_thread.h's
// thread_create_user, which calls this.
Thread* thread_create(Process* p, const TrapFrame& frame, uint32_t tid);
// The live (not yet reaped) thread of p with this tid, or nullptr.
Thread* thread_find(Process* p, uint32_t tid);
// Frees a reaped slot.
void thread_free(Thread* t);
uint32_t alloc_id();

Thread* current_thread();
