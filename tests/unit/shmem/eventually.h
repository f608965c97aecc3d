// Waits, boundedly, for something another thread does: the poller or the
// device thread normally gets there in microseconds; a test fails only if
// it never does.
#pragma once

#include <chrono>
#include <thread>

namespace vmm::testing {

inline constexpr auto kPatience = std::chrono::seconds(10);

template <typename Predicate>
bool eventually(Predicate done) {
  auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return true;
}

}  // namespace vmm::testing
