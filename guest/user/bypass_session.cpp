#include "bypass_session.h"

#include "ulib.h"
#include "unet.h"

namespace u {
namespace {

// What the stack needs for itself (BypassNet::kMinArena) and the TCP
// connections a program holds at once, 256 KiB each in the default
// buffers (about 400 KiB while data moves both ways, user/bypass): netbench connects up to 128 in one interval (-b), and those of
// the interval before may not have reached TIME-WAIT, where an orphan's
// buffers go back, until the next one's polls. Untouched pages of .bss cost
// no memory (demand-zero), so the room is free to the programs that need
// only a few.
constexpr size_t kArenaBytes = 64 << 20;
alignas(64) uint8_t g_arena[kArenaBytes];

constinit bypass::BypassNet g_net;

// ns = (tsc - base) * mult >> 32, with mult = 2^32 * 1e9 / tsc_hz: a
// 64x64->128 multiply and a shift, no division on the data path (and none
// of libgcc's 128-bit helpers, which user programs do not link).
struct TscClock {
  uint64_t base = 0;
  uint64_t mult = 0;
};
TscClock g_clock;

uint64_t tsc_ns(void* context) {
  const TscClock* c = static_cast<const TscClock*>(context);
  unsigned __int128 product = static_cast<unsigned __int128>(rdtsc() - c->base) * c->mult;
  return static_cast<uint64_t>(product >> 32);
}

}  // namespace

bypass::BypassNet* start_bypass(const char* program) {
  uabi::ShmLease lease{};
  long r = shm_take(&lease);
  if (r < 0) {
    const char* name = errno_name(r);
    dprintf(2, "%s: --bypass: cannot take shm0: %s (%ld)\n", program, name ? name : "error", r);
    return nullptr;
  }
  if (lease.tsc_hz == 0) {
    dprintf(2, "%s: --bypass: the kernel published no TSC rate\n", program);
    return nullptr;
  }
  g_clock.base = rdtsc();
  g_clock.mult = (uint64_t{1'000'000'000} << 32) / lease.tsc_hz;  // 1e9 * 2^32 < 2^64
  bypass::BypassConfig config;
  config.region = reinterpret_cast<void*>(lease.addr);
  config.region_size = lease.size;
  for (int i = 0; i < 6; ++i) config.mac.bytes[i] = lease.mac[i];
  config.address = lease.address;
  config.prefix_len = lease.prefix_len;
  config.gateway = lease.host;
  config.clock = bypass::Clock{tsc_ns, &g_clock};
  config.arena = g_arena;
  config.arena_size = sizeof g_arena;
  config.seed = rdtsc();
  if (int e = g_net.start(config); e < 0) {
    bypass::Failure f = g_net.failure();
    dprintf(2, "%s: --bypass: cannot start the stack (%s: %s)\n", program, f.where, f.reason());
    return nullptr;
  }
  printf("%s: --bypass: shm0 at 0x%lx (%lu bytes), own stack, no system call on the data path\n",
         program, lease.addr, lease.size);
  return &g_net;
}

uint64_t bypass_now_ns() { return tsc_ns(&g_clock); }

}  // namespace u
