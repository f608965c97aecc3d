// A guest can repeat a mistake millions of times a second; the log gets it
// once. Keys are fixed strings chosen by the caller plus, at most, a
// register offset inside the device's 512-byte window, so there are a few
// thousand possible keys at the very most; a bound on the set makes that a
// guarantee, not an observation (issue 15): the first kMaxKeys keys are
// remembered (some 20 KiB), later new ones are not logged at all.
#pragma once

#include <cstddef>
#include <mutex>
#include <set>
#include <string>

namespace vmm::virtio {

class LogOnce {
 public:
  static constexpr size_t kMaxKeys = 256;

  // True the first time `key` is seen, while fewer than kMaxKeys keys have
  // been.
  bool first_time(const std::string& key) {
    std::lock_guard lock(mutex_);
    if (seen_.size() >= kMaxKeys) return false;
    return seen_.insert(key).second;
  }

 private:
  std::mutex mutex_;
  std::set<std::string> seen_;
};

}  // namespace vmm::virtio
