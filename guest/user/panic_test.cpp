// panic-test: every other CPU runs a thread spinning in user mode, then
// this one asks the kernel to panic. The console must show "cpu N stopped"
// for each other CPU before "panic: ...". Ends the VM with status 3.
#include "ulib.h"

namespace {

constexpr int kMaxCpus = 64;
constexpr uint64_t kStartTimeoutNs = 5'000'000'000;
int g_running;

long spin(void* arg) {
  auto cpu = static_cast<int>(reinterpret_cast<long>(arg));
  u::set_affinity(1ull << cpu);
  __atomic_add_fetch(&g_running, 1, __ATOMIC_SEQ_CST);
  for (;;) asm volatile("pause");
}

}  // namespace

int main() {
  int me = u::cpu();
  u::set_affinity(1ull << me);  // stay here: the others are taken
  int cpus = u::cpu_count();
  u::Thread threads[kMaxCpus];
  int started = 0;
  for (int c = 0; c < cpus && c < kMaxCpus; ++c) {
    if (c == me) continue;
    if (u::thread_start(&threads[started], spin, reinterpret_cast<void*>(static_cast<long>(c))) == 0) {
      ++started;
    }
  }
  uint64_t deadline = u::now_ns() + kStartTimeoutNs;
  while (__atomic_load_n(&g_running, __ATOMIC_SEQ_CST) < started && u::now_ns() < deadline) {
    u::sleep_ns(1'000'000);
  }
  u::printf("panic-test: cpu %d panics, %d other cpus spin in user mode\n", me,
            __atomic_load_n(&g_running, __ATOMIC_SEQ_CST));
  u::kdebug(uabi::kKdebugPanic);
  return 1;  // not reached
}
