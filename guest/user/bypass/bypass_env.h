// What the network stack needs from its host (net/net_env.h), in a user
// process with no system call on the data path: memory from an Arena over
// caller-given memory, time from a caller-given Clock, random numbers from
// a seeded xorshift mixed with the clock, and no wake-ups (the process is
// single-threaded and polls: nothing sleeps that could be woken).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "clock.h"
#include "net/net_env.h"

namespace bypass {

class BypassEnv final : public net::NetEnv {
 public:
  constexpr BypassEnv() = default;

  // `seed` should differ between runs (the caller's TSC at start, say):
  // it is what makes the stack's initial sequence numbers and ephemeral
  // ports hard to guess.
  void init(void* arena_memory, size_t arena_bytes, Clock clock, uint64_t seed);

  void* allocate(size_t bytes) override { return arena_.allocate(bytes); }
  void release(void* block, size_t bytes) override { arena_.release(block, bytes); }
  uint64_t now_ns() override { return clock_.now_ns(); }
  // RFC 6528 asks for initial sequence numbers an off-path attacker cannot
  // predict. A user process has no kernel entropy without a system call, so
  // this is xorshift64* (Vigna, "An experimental exploration of Marsaglia's
  // xorshift generators") over a state that every call also stirs with the
  // clock: as unpredictable as the seed and the timing of the calls, not
  // cryptographic.
  uint32_t random32() override;

  const Arena& arena() const { return arena_; }
  const Clock& clock() const { return clock_; }

 private:
  Arena arena_;
  Clock clock_;
  uint64_t state_ = 0;
};

}  // namespace bypass
