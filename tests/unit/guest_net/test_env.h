// A NetEnv for tests: counted heap memory (leaks fail the test), a clock the
// test moves, a deterministic random source whose next values a test can
// script (ISNs near 2^32), and a record of wake-ups.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <vector>

#include "guest/net/net_env.h"

namespace net::test {

class TestEnv : public NetEnv {
 public:
  explicit TestEnv(uint64_t* clock = nullptr, uint64_t seed = 1);
  ~TestEnv();

  void* allocate(size_t bytes) override;
  void release(void* block, size_t bytes) override;
  uint64_t now_ns() override { return *clock_; }
  uint32_t random32() override;
  void wake(SocketId socket, void* cookie, uint32_t events) override;

  void set_time(uint64_t ns) { *clock_ = ns; }
  void advance(uint64_t ns) { *clock_ += ns; }
  // The next random32() calls return these values, in order.
  void script_random(std::vector<uint32_t> values);
  // Allocation failures on demand: the next `n` allocations fail.
  void fail_next_allocations(int n) { fail_allocations_ = n; }
  // Refuse any allocation that would take the total above this.
  void set_memory_limit(size_t bytes) { memory_limit_ = bytes; }

  size_t bytes_in_use() const { return bytes_in_use_; }
  size_t blocks_in_use() const { return blocks_.size(); }
  uint64_t wakes(SocketId s) const;
  uint32_t last_wake_events(SocketId s) const;
  uint64_t total_wakes() const { return total_wakes_; }

 private:
  uint64_t own_clock_ = 0;
  uint64_t* clock_;
  uint64_t rng_state_;
  std::deque<uint32_t> scripted_;
  std::map<void*, size_t> blocks_;
  size_t bytes_in_use_ = 0;
  size_t memory_limit_ = SIZE_MAX;
  int fail_allocations_ = 0;
  std::map<SocketId, uint64_t> wakes_;
  std::map<SocketId, uint32_t> last_events_;
  uint64_t total_wakes_ = 0;
};

}  // namespace net::test
