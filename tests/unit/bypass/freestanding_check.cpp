// Compiled with the user programs' flags (guest/CMakeLists.txt) beside the
// bypass and stack sources: what a guest program would declare. constinit
// proves the objects need no constructor at run time (user programs run
// none: guest/user/user.ld), and the symbol check that links this proves
// they need nothing but the mem* functions the user library has.
#include "guest/user/bypass/bypass_net.h"

namespace {

constinit bypass::BypassNet g_net;
alignas(16) constinit uint8_t g_arena[bypass::BypassNet::kMinArena];

uint64_t zero_clock(void*) { return 0; }

}  // namespace

extern "C" int bypass_freestanding_check(void* region, uint64_t size) {
  bypass::BypassConfig config;
  config.region = region;
  config.region_size = size;
  config.clock = bypass::Clock{zero_clock, nullptr};
  config.arena = g_arena;
  config.arena_size = sizeof g_arena;
  if (g_net.start(config) != 0) return g_net.failure().error;
  int r = g_net.poll();
  g_net.stop();
  return r;
}
