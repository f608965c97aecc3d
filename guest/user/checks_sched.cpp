// Checks of threads, scheduling and time.
#include "selftest.h"

namespace selftest {
namespace {

constexpr uint64_t kMs = 1'000'000;
constexpr int kMaxCpus = 64;

// ---- smp-threads ----

struct SmpShared {
  int threads;
  int started;
  int cpu_at_barrier[kMaxCpus];
  uint64_t progress[kMaxCpus];
};
SmpShared g_smp;

long smp_worker(void* arg) {
  auto i = static_cast<int>(reinterpret_cast<long>(arg));
  __atomic_add_fetch(&g_smp.started, 1, __ATOMIC_SEQ_CST);
  uint64_t give_up = u::now_ns() + 5000 * kMs;
  while (__atomic_load_n(&g_smp.started, __ATOMIC_SEQ_CST) < g_smp.threads && u::now_ns() < give_up) {
  }
  g_smp.cpu_at_barrier[i] = u::cpu();
  uint64_t end = u::now_ns() + 50 * kMs;
  while (u::now_ns() < end) __atomic_add_fetch(&g_smp.progress[i], 1, __ATOMIC_RELAXED);
  return 0;
}

}  // namespace

// One thread per CPU: all run at once (they meet at a barrier), all make
// progress, each is seen on its own CPU.
bool smp_threads() {
  int n = u::cpu_count();
  if (n < 1 || n > kMaxCpus) return fail("cpu count %d", n);
  g_smp.threads = n;
  u::Thread t[kMaxCpus];
  for (int i = 0; i < n; ++i) {
    long r = u::thread_start(&t[i], smp_worker, reinterpret_cast<void*>(static_cast<long>(i)));
    if (r != 0) return fail("thread_start returned %ld", r);
  }
  for (int i = 0; i < n; ++i) {
    if (u::thread_join(&t[i], nullptr) != 0) return fail("thread_join failed");
  }
  if (g_smp.started != n) return fail("only %d of %d threads started", g_smp.started, n);
  uint64_t seen = 0;
  for (int i = 0; i < n; ++i) {
    if (g_smp.progress[i] == 0) return fail("thread %d made no progress", i);
    int c = g_smp.cpu_at_barrier[i];
    if (seen & (1ull << c)) return fail("two threads on cpu %d", c);
    seen |= 1ull << c;
  }
  return true;
}

namespace {

// ---- preempt ----

struct PreemptShared {
  uint64_t cpu_mask;
  int a_running;
  int a_cpu, b_cpu;
  int b_ran;
  int stop;
  uint64_t a_loops;
  uint64_t a_tsc_limit;  // A gives up after this many TSC cycles
};
PreemptShared g_pre;

// CPU-bound, never enters the kernel on its own.
long spinner(void*) {
  u::set_affinity(g_pre.cpu_mask);
  g_pre.a_cpu = u::cpu();
  __atomic_store_n(&g_pre.a_running, 1, __ATOMIC_SEQ_CST);
  uint64_t start = u::rdtsc();
  while (!__atomic_load_n(&g_pre.stop, __ATOMIC_RELAXED) && u::rdtsc() - start < g_pre.a_tsc_limit) {
    __atomic_store_n(&g_pre.a_loops, g_pre.a_loops + 1, __ATOMIC_RELAXED);
  }
  return 0;
}

long other(void*) {
  u::set_affinity(g_pre.cpu_mask);
  while (!__atomic_load_n(&g_pre.a_running, __ATOMIC_SEQ_CST)) u::yield();
  g_pre.b_cpu = u::cpu();
  __atomic_store_n(&g_pre.b_ran, 1, __ATOMIC_SEQ_CST);
  return 0;
}

uint64_t tsc_per_second() {
  uint64_t t0 = u::now_ns(), c0 = u::rdtsc();
  u::sleep_ns(20 * kMs);
  uint64_t t1 = u::now_ns(), c1 = u::rdtsc();
  return (c1 - c0) * 1'000'000'000 / (t1 - t0 ? t1 - t0 : 1);
}

}  // namespace

// A CPU-bound thread does not starve another pinned to the same CPU.
bool preempt() {
  g_pre.cpu_mask = 1ull << u::cpu();
  g_pre.a_tsc_limit = 5 * tsc_per_second();
  u::Thread a, b;
  if (u::thread_start(&a, spinner, nullptr) != 0) return fail("thread_start failed");
  if (u::thread_start(&b, other, nullptr) != 0) return fail("thread_start failed");
  uint64_t deadline = u::now_ns() + 3000 * kMs;
  while (!__atomic_load_n(&g_pre.b_ran, __ATOMIC_SEQ_CST) && u::now_ns() < deadline) {
    u::sleep_ns(5 * kMs);
  }
  uint64_t loops_when_b_ran = __atomic_load_n(&g_pre.a_loops, __ATOMIC_RELAXED);
  __atomic_store_n(&g_pre.stop, 1, __ATOMIC_SEQ_CST);
  u::thread_join(&a, nullptr);
  u::thread_join(&b, nullptr);
  if (!g_pre.b_ran) return fail("the second thread never ran in 3 s");
  if (g_pre.a_cpu != g_pre.b_cpu) return fail("threads on cpus %d and %d, not one", g_pre.a_cpu, g_pre.b_cpu);
  if (loops_when_b_ran == 0) return fail("the spinning thread never ran");
  return true;
}

// nanosleep sleeps at least as long as asked.
bool sleep() {
  const uint64_t asks[] = {1 * kMs, 20 * kMs, 50 * kMs};
  for (uint64_t ns : asks) {
    uint64_t t0 = u::now_ns();
    long r = u::sleep_ns(ns);
    uint64_t slept = u::now_ns() - t0;
    if (r != 0) return fail("nanosleep returned %ld", r);
    if (slept < ns) return fail("asked %lu ns, slept %lu ns", ns, slept);
  }
  uabi::Timespec bad{0, 1'000'000'000};
  long r = u::syscall(sys::kNanosleep, reinterpret_cast<long>(&bad), 0);
  if (r != -err::kInval) return fail("tv_nsec = 1e9 returned %ld, not -EINVAL", r);
  return true;
}

// A CPU running one thread alone takes no timer interrupt: the scheduler
// arms the LAPIC timer only for a deadline, or for a time slice when a
// second thread waits there (sched.h; issue 18, "quiet while polling": a
// bypass process spinning on shm0's rings is such a thread). Pinned to the
// last CPU, the check spins 200 ms in user mode and compares that CPU's
// count of timer interrupts before and after; then it sleeps 1 ms there to
// show the count moves when a timer has a reason to fire.
bool tickless() {
  long cpus = u::kdebug(uabi::kKdebugCpuCount);
  if (cpus < 1) return fail("kdebug cpu count returned %ld", cpus);
  long cpu = cpus - 1;
  if (u::set_affinity(1ull << cpu) != 0 || u::cpu() != cpu) return fail("cannot run on cpu %ld", cpu);
  uint64_t spin_tsc = tsc_per_second() / 5;
  long before = u::kdebug(uabi::kKdebugTimerInterrupts, cpu);
  if (before < 0) return fail("kdebug timer interrupts returned %ld", before);
  uint64_t end = u::rdtsc() + spin_tsc;
  while (u::rdtsc() < end) __builtin_ia32_pause();
  long after = u::kdebug(uabi::kKdebugTimerInterrupts, cpu);
  if (after != before) return fail("cpu %ld took %ld timer interrupts in 200 ms running one thread", cpu, after - before);
  u::sleep_ns(1 * kMs);
  long slept = u::kdebug(uabi::kKdebugTimerInterrupts, cpu);
  if (slept <= after) return fail("cpu %ld counted no timer interrupt for a 1 ms sleep (%ld, %ld)", cpu, after, slept);
  return true;
}

namespace {
long return_42(void*) { return 42; }
}  // namespace

// A joined thread's return value arrives; a thread is joined only once.
bool thread_join() {
  u::Thread t;
  if (u::thread_start(&t, return_42, nullptr) != 0) return fail("thread_start failed");
  long tid = t.tid;
  long value = 0;
  if (long r = u::thread_join(&t, &value); r != 0) return fail("thread_join returned %ld", r);
  if (value != 42) return fail("joined value %ld, not 42", value);
  long r = u::syscall(sys::kThreadJoin, tid, 0);
  if (r != -err::kSrch) return fail("second join returned %ld, not -ESRCH", r);
  if (u::syscall(sys::kThreadJoin, u::gettid(), 0) != -err::kDeadlk) return fail("self-join accepted");
  return true;
}

namespace {

long sleep_long(void*) {
  u::sleep_ns(3600ull * 1000 * kMs);
  return 0;
}

long spin_forever(void*) {
  for (;;) asm volatile("pause");
}

// exit_group with one thread asleep and one spinning.
int exit_with_threads() {
  u::Thread a, b;
  if (u::thread_start(&a, sleep_long, nullptr) != 0) return 20;
  if (u::thread_start(&b, spin_forever, nullptr) != 0) return 21;
  u::sleep_ns(5 * kMs);
  u::exit(7);
}

}  // namespace

// exit_group ends every thread of the process, sleeping or running.
bool exit_group() {
  uint64_t t0 = u::now_ns();
  int status = in_child(exit_with_threads);
  if (status < 0 || !uabi::wifexited(status) || uabi::wexitstatus(status) != 7) {
    return fail("child status 0x%x, not exit 7", status);
  }
  if (u::now_ns() - t0 > 5000 * kMs) return fail("took more than 5 s");
  return true;
}

}  // namespace selftest
