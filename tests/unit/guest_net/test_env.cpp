#include "test_env.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

namespace net::test {

TestEnv::TestEnv(uint64_t* clock, uint64_t seed)
    : clock_(clock != nullptr ? clock : &own_clock_), rng_state_(seed * 0x9e3779b97f4a7c15ull + 1) {}

TestEnv::~TestEnv() {
  EXPECT_EQ(blocks_.size(), 0u) << "network stack leaked " << bytes_in_use_ << " bytes";
  for (auto& [block, size] : blocks_) std::free(block);
}

void* TestEnv::allocate(size_t bytes) {
  if (fail_allocations_ > 0) {
    --fail_allocations_;
    return nullptr;
  }
  if (bytes_in_use_ + bytes > memory_limit_) return nullptr;
  void* block = std::aligned_alloc(16, (bytes + 15) / 16 * 16 + 16);
  // Poison fresh memory: the stack must not rely on zeroed blocks.
  std::memset(block, 0xa5, bytes);
  blocks_[block] = bytes;
  bytes_in_use_ += bytes;
  return block;
}

void TestEnv::release(void* block, size_t bytes) {
  auto it = blocks_.find(block);
  if (it == blocks_.end()) {
    ADD_FAILURE() << "release of a block the stack never got";
    return;
  }
  EXPECT_EQ(it->second, bytes) << "block released with another size";
  bytes_in_use_ -= it->second;
  blocks_.erase(it);
  std::free(block);
}

uint32_t TestEnv::random32() {
  if (!scripted_.empty()) {
    uint32_t v = scripted_.front();
    scripted_.pop_front();
    return v;
  }
  // xorshift64*
  rng_state_ ^= rng_state_ >> 12;
  rng_state_ ^= rng_state_ << 25;
  rng_state_ ^= rng_state_ >> 27;
  return static_cast<uint32_t>((rng_state_ * 0x2545f4914f6cdd1dull) >> 32);
}

void TestEnv::script_random(std::vector<uint32_t> values) {
  for (uint32_t v : values) scripted_.push_back(v);
}

void TestEnv::wake(SocketId socket, void*, uint32_t events) {
  wakes_[socket]++;
  last_events_[socket] = events;
  total_wakes_++;
}

uint64_t TestEnv::wakes(SocketId s) const {
  auto it = wakes_.find(s);
  return it == wakes_.end() ? 0 : it->second;
}

uint32_t TestEnv::last_wake_events(SocketId s) const {
  auto it = last_events_.find(s);
  return it == last_events_.end() ? 0 : it->second;
}

}  // namespace net::test
