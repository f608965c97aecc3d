#include "hv/core/vm_lifecycle.h"

#include "hv/core/exit_status.h"

namespace vmm {

bool VmLifecycle::request_stop(int exit_status, std::string reason) {
  return stop_once(exit_status, 0, std::move(reason));
}

bool VmLifecycle::request_stop_by_signal(int signal, std::string reason) {
  return stop_once(kStatusSignalBase + signal, signal, std::move(reason));
}

bool VmLifecycle::stop_once(int exit_status, int signal, std::string reason) {
  std::function<void()> kicker;
  {
    std::lock_guard lock(mutex_);
    if (stopping_.load(std::memory_order_relaxed)) return false;
    exit_status_ = exit_status;
    stop_signal_ = signal;
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

int VmLifecycle::stop_signal() const {
  std::lock_guard lock(mutex_);
  return stop_signal_;
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
