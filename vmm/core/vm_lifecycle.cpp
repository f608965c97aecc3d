#include "vmm/core/vm_lifecycle.h"

namespace vmm {

bool VmLifecycle::request_stop(int exit_status, std::string reason) {
  std::function<void()> kicker;
  {
    std::lock_guard lock(mutex_);
    if (stopping_.load(std::memory_order_relaxed)) return false;
    exit_status_ = exit_status;
    reason_ = std::move(reason);
    stopping_.store(true, std::memory_order_release);
    kicker = kicker_;
  }
  stopped_.notify_all();
  if (kicker) kicker();
  return true;
}

void VmLifecycle::wait_for_stop() {
  std::unique_lock lock(mutex_);
  stopped_.wait(lock, [this] { return stopping_.load(std::memory_order_relaxed); });
}

int VmLifecycle::exit_status() const {
  std::lock_guard lock(mutex_);
  return exit_status_;
}

std::string VmLifecycle::reason() const {
  std::lock_guard lock(mutex_);
  return reason_;
}

void VmLifecycle::set_kicker(std::function<void()> kicker) {
  std::lock_guard lock(mutex_);
  kicker_ = std::move(kicker);
}

}  // namespace vmm
