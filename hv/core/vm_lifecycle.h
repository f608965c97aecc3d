// How the VM ends: the first stop request wins and fixes the exit status and
// the reason; every vCPU is then kicked out of KVM_RUN and the main thread,
// waiting in wait_for_stop(), tears the VM down.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>

namespace vmm {

class VmLifecycle {
 public:
  // Returns true when this call was the one that stopped the VM.
  bool request_stop(int exit_status, std::string reason);
  // A stop asked for by SIGINT/SIGTERM: status 128 + signal, and the signal
  // is kept so that vmm can end by it once the VM is torn down
  // (hv/core/exit_status.h says why).
  bool request_stop_by_signal(int signal, std::string reason);
  // The signal that stopped the VM, 0 if none did.
  int stop_signal() const;
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  void wait_for_stop();
  int exit_status() const;
  std::string reason() const;
  // Called once, on the first stop request, to get vCPUs out of KVM_RUN.
  void set_kicker(std::function<void()> kicker);

 private:
  bool stop_once(int exit_status, int signal, std::string reason);

  mutable std::mutex mutex_;
  std::condition_variable stopped_;
  std::atomic<bool> stopping_{false};
  int exit_status_ = 0;
  int stop_signal_ = 0;
  std::string reason_;
  std::function<void()> kicker_;
};

}  // namespace vmm
