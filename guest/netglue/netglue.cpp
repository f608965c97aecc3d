#include "netglue/netglue.h"

#include "arch/x86/include/x86.h"
#include "kernel/clock.h"
#include "kernel/console.h"
#include "kernel/panic.h"
#include "lib/spinlock.h"
#include "mm/kheap.h"
#include "proc/file.h"
#include "sched/ktimer.h"

namespace {

// What the stack needs from the kernel (net/net_env.h).
class KernelNetEnv final : public net::NetEnv {
 public:
  // The stack initialises what it allocates (its host tests poison fresh
  // blocks to prove it), so no zeroing.
  void* allocate(size_t bytes) override { return kheap::allocate(bytes, false); }
  void release(void* block, size_t bytes) override { kheap::release(block, bytes); }
  uint64_t now_ns() override { return clock_ns(); }
  // RFC 6528 wants initial sequence numbers an attacker cannot predict:
  // a 64-bit mix (splitmix64) of the TSC and a counter.
  uint32_t random32() override {
    uint64_t z = x86::rdtsc() + (++counter_ * 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return static_cast<uint32_t>(z ^ (z >> 31));
  }
  // Under the stack's lock, interrupts off: wake_all may run anywhere.
  void wake(net::SocketId, void* cookie, uint32_t) override {
    if (cookie) static_cast<File*>(cookie)->wait.wake_all();
    file_poll_queue().wake_all();
  }

 private:
  uint64_t counter_ = 0;
};

struct Poller {
  NetPoller poll;
  void* ctx;
};
constexpr int kMaxPollers = 4;

constinit SpinLock g_lock;
KernelNetEnv g_env;
alignas(net::NetStack) uint8_t g_stack_storage[sizeof(net::NetStack)];
net::NetStack* g_stack;
Poller g_pollers[kMaxPollers];
int g_poller_count;
uint64_t g_armed_ns = net::kNoDeadline;  // the deadline the ktimer carries
uint64_t g_poll_interval_ns;              // 0: no periodic polling

void on_timer(uint64_t now_tsc);

// Lock held. Moves the kernel timer only when the deadline changed.
void rearm_locked() {
  uint64_t next = g_stack->next_deadline();
  if (g_poll_interval_ns != 0) {
    uint64_t poll_at = clock_ns() + g_poll_interval_ns;
    // Only move it when it is later than the poll interval allows: a
    // deadline recomputed on every call would re-program the timer each time.
    if (next == net::kNoDeadline || next > poll_at + g_poll_interval_ns) next = poll_at;
    else if (next > poll_at && g_armed_ns != net::kNoDeadline && g_armed_ns <= next) next = g_armed_ns;
  }
  if (next == g_armed_ns) return;
  g_armed_ns = next;
  if (next == net::kNoDeadline) {
    ktimer_set(on_timer, 0);
    return;
  }
  uint64_t now = clock_ns();
  uint64_t tsc = x86::rdtsc();
  if (next > now) tsc += clock_ns_to_tsc(next - now);
  ktimer_set(on_timer, tsc == 0 ? 1 : tsc);
}

void run_pollers_locked() {
  for (int i = 0; i < g_poller_count; ++i) g_pollers[i].poll(g_pollers[i].ctx);
}

void on_timer(uint64_t) {
  SpinLocker lock(g_lock);
  g_armed_ns = net::kNoDeadline;  // the ktimer fired: nothing is armed now
  run_pollers_locked();
  g_stack->tick(clock_ns());
  rearm_locked();
}

}  // namespace

net::NetStack& net_stack_init() {
  g_stack = new (g_stack_storage) net::NetStack(g_env);
  if (g_stack->init() != 0) panic("net: out of memory for the network stack");
  file_set_socket_closer(net_socket_closed);
  return *g_stack;
}

NetLocker::NetLocker() { g_lock.lock(); }
NetLocker::~NetLocker() {
  rearm_locked();
  g_lock.unlock();
}
net::NetStack& NetLocker::stack() { return *g_stack; }

bool net_add_poller(NetPoller poll, void* ctx) {
  SpinLocker lock(g_lock);
  if (g_poller_count == kMaxPollers) return false;
  g_pollers[g_poller_count++] = {poll, ctx};
  return true;
}

void net_poll_devices() {
  if (__atomic_load_n(&g_poller_count, __ATOMIC_RELAXED) == 0) return;
  NetLocker lock;
  run_pollers_locked();
}

void net_idle_poll(void*) {
  if (!g_lock.try_lock()) return;
  run_pollers_locked();
  rearm_locked();
  g_lock.unlock();
}

void net_set_poll_interval(uint64_t interval_ns) {
  NetLocker lock;
  g_poll_interval_ns = interval_ns;
  g_armed_ns = 0;  // differs from any deadline: the next rearm programs the timer
}

WaitResult net_wait(File* f, uint32_t events, uint64_t deadline_tsc) {
  uint32_t wanted = events | net::kPollErr | net::kPollHup | net::kPollNval;
  return f->wait.wait(
      [&] {
        NetLocker lock;
        run_pollers_locked();
        return (lock.stack().poll(f->socket) & wanted) != 0;
      },
      deadline_tsc);
}


void net_socket_closed(File* f) {
  NetLocker lock;
  lock.stack().close(f->socket);
}

uint64_t net_deadline_after(uint64_t timeout_ns) {
  if (timeout_ns == 0) return 0;
  uint64_t d = x86::rdtsc() + clock_ns_to_tsc(timeout_ns);
  return d == 0 ? 1 : d;
}
