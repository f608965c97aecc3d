#include "bypass_env.h"

namespace bypass {

namespace {
// Any non-zero state works; xorshift never leaves zero, so zero is replaced.
constexpr uint64_t kNonZeroState = 0x9E3779B97F4A7C15ull;
}  // namespace

void BypassEnv::init(void* arena_memory, size_t arena_bytes, Clock clock, uint64_t seed) {
  arena_.init(arena_memory, arena_bytes);
  clock_ = clock;
  state_ = seed != 0 ? seed : kNonZeroState;
}

uint32_t BypassEnv::random32() {
  uint64_t x = state_ ^ (clock_.now_ns() * kNonZeroState);
  if (x == 0) x = kNonZeroState;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  state_ = x;
  return static_cast<uint32_t>((x * 0x2545F4914F6CDD1Dull) >> 32);
}

}  // namespace bypass
