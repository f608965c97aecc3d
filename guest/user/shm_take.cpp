// shm-take: checks the hand-over of shm0's rings to a user process
// (shm_take(2), uapi/abi.h ShmLease; issue 18), one process a role:
//   shm-take [check [HOST_ADDR]]  the whole check (below); exit 0 if every
//                       step held
//   shm-take hold       takes the rings, checks the mapped header, exits 0
//   shm-take crash      takes the rings, then crashes (ud2: killed by SIGILL)
//   shm-take busy       expects -EBUSY (another process holds the rings)
//   shm-take hold-busy  takes the rings and runs `shm-take busy` meanwhile
//   shm-take stack      starts the bypass stack on them (--bypass's way),
//                       then stops it: the guest side announced stopped
//   shm-take hostile scribble|garbage
//                       a hostile holder, in a child: `scribble` starts the
//                       stack, moves its producer index 1000 slots past the
//                       ring and polls until the stack reports the device
//                       down (ENETDOWN: the host stopped it); `garbage`
//                       fills the whole region with random bytes and exits.
//                       Then the kernel refuses the rings to the next taker
//                       (-EIO: shm0 stays stopped) and the guest runs on
// The whole check: hold, then crash, then hold-busy, then stack, each in
// its own process: the rings come back after a normal end and after a crash, a
// second taker is refused, and at the end the kernel's own shm0 carries a
// ping to HOST_ADDR (default 10.0.3.2, the host on shm0's network). Lines "shm-take: ROLE: ok|FAILED ..." on the
// console; without a shared-memory device every role says so and exits 3.
#include "abi/shmem_ring.h"
#include "bypass_session.h"
#include "ulib.h"

namespace {

constexpr int kExitNoShm0 = 3;

int take(const char* role, uabi::ShmLease* lease) {
  long r = u::shm_take(lease);
  if (r == -err::kNoDev) {
    u::printf("shm-take: %s: no shm0 (ENODEV)\n", role);
    return kExitNoShm0;
  }
  if (r < 0) {
    u::printf("shm-take: %s: FAILED shm_take returned %ld\n", role, r);
    return 1;
  }
  // The region is the device's: its header carries the host's magic.
  uint32_t magic = reinterpret_cast<const volatile shmem::Header*>(lease->addr)->config.magic;
  if (magic != shmem::kMagic) {
    u::printf("shm-take: %s: FAILED header magic 0x%x at 0x%lx\n", role, magic, lease->addr);
    return 1;
  }
  u::printf("shm-take: %s: ok region 0x%lx size %lu tsc_hz %lu\n", role, lease->addr, lease->size,
            lease->tsc_hz);
  return 0;
}

int run_child(const char* role) {
  const char* argv[] = {"shm-take", role, nullptr};
  long pid = u::spawn("shm-take", argv);
  if (pid < 0) return -1;
  int status = 0;
  if (u::wait(pid, &status) < 0) return -1;
  return status;
}

bool child_exited(const char* role, int want_code) {
  int status = run_child(role);
  bool held = status >= 0 && uabi::wifexited(status) && uabi::wexitstatus(status) == want_code;
  if (!held) u::printf("shm-take: check: FAILED %s ended with wait status 0x%x\n", role, status);
  return held;
}

bool child_was_killed(const char* role) {
  int status = run_child(role);
  bool killed = status >= 0 && uabi::wifsignaled(status);
  if (!killed) u::printf("shm-take: check: FAILED %s ended with wait status 0x%x\n", role, status);
  return killed;
}

// The kernel's own shm0 works again once no process holds the rings: a
// ping of the host's address on shm0's network (`addr`).
bool kernel_has_shm0_again(const char* addr) {
  const char* argv[] = {"ping", "-c", "3", "-W", "2000", addr, nullptr};
  long pid = u::spawn("ping", argv);
  int status = -1;
  if (pid >= 0) u::wait(pid, &status);
  bool ok = status >= 0 && uabi::wifexited(status) && uabi::wexitstatus(status) == 0;
  if (!ok) u::printf("shm-take: check: FAILED ping %s over the kernel's shm0: wait status 0x%x\n", addr, status);
  return ok;
}

int whole_check(const char* host) {
  int first = run_child("hold");
  if (first >= 0 && uabi::wifexited(first) && uabi::wexitstatus(first) == kExitNoShm0) {
    u::printf("shm-take: check: no shm0 (ENODEV)\n");
    return kExitNoShm0;
  }
  bool ok = first >= 0 && uabi::wifexited(first) && uabi::wexitstatus(first) == 0;
  if (!ok) u::printf("shm-take: check: FAILED hold ended with wait status 0x%x\n", first);
  // Back after a normal end: a crash holder can take them; back after the
  // crash: hold-busy can, and meanwhile a second taker is refused; back
  // after that: the kernel's own shm0 carries a ping.
  ok = child_was_killed("crash") && ok;
  ok = child_exited("hold-busy", 0) && ok;
  ok = child_exited("stack", 0) && ok;
  ok = child_exited("hold", 0) && ok;
  ok = kernel_has_shm0_again(host) && ok;
  u::printf("shm-take: check: %s\n", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}

// ---- hostile holders ----

constexpr uint64_t kHostSeesItNs = 2'000'000'000;  // the host's poller looks far more often

// The stack's producer index jumps past the ring, as a buggy or hostile
// process might write it; the host stops the device and the stack learns
// of it from the host's status line (ShmRingDevice::check_host).
int scribble() {
  bypass::BypassNet* net = u::start_bypass("shm-take");
  if (net == nullptr) return 1;
  auto* header = reinterpret_cast<shmem::Header*>(net->device().region());
  uint32_t tail = __atomic_load_n(&header->guest_to_host_tail.index, __ATOMIC_ACQUIRE);
  __atomic_store_n(&header->guest_to_host_head.index, tail + header->config.slots_per_ring + 1000,
                   __ATOMIC_RELEASE);
  uint64_t deadline = u::bypass_now_ns() + kHostSeesItNs;
  int r = 0;
  while ((r = net->poll()) >= 0 && u::bypass_now_ns() < deadline) __builtin_ia32_pause();
  bypass::Failure f = net->failure();
  if (r != -bypass::kNetDown) {
    u::printf("shm-take: scribble: FAILED the stack still runs 2 s after the scribble (poll %d)\n", r);
    return 1;
  }
  u::printf("shm-take: scribble: ok the stack reports ENETDOWN (%s: %s)\n", f.where, f.reason());
  return 0;
}

// Random bytes over every byte of the region, header and rings alike.
int garbage() {
  uabi::ShmLease lease{};
  if (int r = take("garbage", &lease); r != 0) return r;
  auto* bytes = reinterpret_cast<volatile uint64_t*>(lease.addr);
  uint64_t x = u::rdtsc() | 1;
  for (uint64_t i = 0; i < lease.size / 8; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift64
    bytes[i] = x;
  }
  u::printf("shm-take: garbage: ok %lu random bytes over the region\n", lease.size);
  u::sleep_ns(300'000'000);  // the host's poller has looked by then
  return 0;
}

int hostile(const char* how) {
  if (!u::streq(how, "scribble") && !u::streq(how, "garbage")) return -1;
  bool ok = child_exited(how, 0);
  uabi::ShmLease lease{};
  long r = u::shm_take(&lease);
  bool refused = r == -err::kIo;
  if (!refused) u::printf("shm-take: hostile: FAILED the next shm_take returned %ld, not -EIO\n", r);
  ok = refused && ok;
  u::printf("shm-take: hostile: %s\n", ok ? "ok the guest runs on, shm0 stays stopped" : "FAILED");
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  uabi::ShmLease lease{};
  const char* role = argc > 1 ? argv[1] : "check";
  if (u::streq(role, "hold")) return take(role, &lease);
  if (u::streq(role, "crash")) {
    if (int r = take(role, &lease); r != 0) return r;
    __builtin_trap();  // ud2: an invalid-opcode exception, the kernel kills us (SIGILL)
    return 1;
  }
  if (u::streq(role, "busy")) {
    long r = u::shm_take(&lease);
    bool busy = r == -err::kBusy;
    u::printf("shm-take: busy: %s (shm_take returned %ld)\n", busy ? "ok" : "FAILED", r);
    return busy ? 0 : 1;
  }
  if (u::streq(role, "hold-busy")) {
    if (int r = take(role, &lease); r != 0) return r;
    return child_exited("busy", 0) ? 0 : 1;
  }
  if (u::streq(role, "stack")) {
    bypass::BypassNet* net = u::start_bypass("shm-take");
    if (net == nullptr) return 1;
    net->stop();
    u::printf("shm-take: stack: ok\n");
    return 0;
  }
  if (u::streq(role, "scribble")) return scribble();
  if (u::streq(role, "garbage")) return garbage();
  if (u::streq(role, "hostile") && argc > 2) {
    if (int r = hostile(argv[2]); r >= 0) return r;
  }
  if (!u::streq(role, "check")) {
    u::dprintf(2, "usage: shm-take [check [HOST_ADDR] | hold | crash | busy | hold-busy | stack | "
                  "hostile scribble|garbage]\n");
    return 2;
  }
  // The host's address on shm0's network: 10.0.3.2 with the default shm_ip.
  return whole_check(argc > 2 ? argv[2] : "10.0.3.2");
}
