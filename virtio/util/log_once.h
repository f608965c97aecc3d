// A guest can repeat a mistake millions of times a second; the log gets it
// once. Keys are fixed strings chosen by the caller (plus, at most, a
// register offset), so the set stays small whatever the guest does.
#pragma once

#include <mutex>
#include <set>
#include <string>

namespace vmm::virtio {

class LogOnce {
 public:
  // True the first time `key` is seen.
  bool first_time(const std::string& key) {
    std::lock_guard lock(mutex_);
    return seen_.insert(key).second;
  }

 private:
  std::mutex mutex_;
  std::set<std::string> seen_;
};

}  // namespace vmm::virtio
