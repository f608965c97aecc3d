// The virtio-mmio transport's device status state machine: feature
// acceptance, activation at DRIVER_OK, reset, DEVICE_NEEDS_RESET, and the
// interrupts the device raises (virtio 1.2 §2.1, §2.4, §3.1, §4.2.3).
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "virtio/mmio/device_status.h"
#include "virtio/mmio/mmio_transport.h"
#include "virtio/spec.h"

namespace vmm::virtio {

uint64_t MmioTransport::offered_features() const {
  return device_.device_features() | kFeatureVersion1;
}

// A modern-only device: "A device MAY fail to operate further if
// VIRTIO_F_VERSION_1 is not accepted" (virtio 1.2 §6.2), and only offered
// features may be accepted (§2.2.1).
bool MmioTransport::features_acceptable() const {
  return !driver_features_beyond_64_ && (driver_features_ & ~offered_features()) == 0 &&
         (driver_features_ & kFeatureVersion1);
}

void MmioTransport::write_status(uint32_t value) {
  if (value == 0) return begin_reset();
  if (reset_pending_)
    return log_guest_error("status during reset", "Status written before the reset completed");
  StatusDecision decision = decide_status_write(status_, value, features_acceptable());
  if (!decision.refusal.empty())
    log_guest_error("status: " + decision.refusal, "status write refused: " + decision.refusal);
  if (decision.activate) {
    status_ = decision.status & ~kStatusDriverOk;
    return activate();
  }
  status_ = decision.status;
}

void MmioTransport::activate() {
  uint64_t features = driver_features_;
  auto queues = build_queues(features);
  if (!queues.ok()) return enter_needs_reset(queues.error().message);
  status_ |= kStatusDriverOk;
  forget_posted_notifications();
  boost::asio::post(device_context_,
                    guarded(alive_, [this, features, queues = std::move(*queues)]() mutable {
                      device_.activate(Activation{features, std::move(queues), this});
                    }));
}

Result<ActiveQueues> MmioTransport::build_queues(uint64_t features) const {
  ActiveQueues active(queues_.size());
  for (size_t i = 0; i < queues_.size(); ++i) {
    if (!queues_[i].ready) continue;
    auto queue = Virtqueue::create(memory_, queues_[i].layout, device_.queue_max_size(), features);
    if (!queue.ok()) return make_error("queue " + std::to_string(i) + ": " + queue.error().message);
    active[i].emplace(std::move(*queue));
  }
  return active;
}

// Transport registers go back to their initial values at once; the device
// drops its queues on the device thread, and only then does Status read 0
// (virtio 1.2 §2.4.1: no queue access after status reads 0).
void MmioTransport::begin_reset() {
  if (reset_pending_) return;
  device_features_sel_ = 0;
  driver_features_sel_ = 0;
  driver_features_ = 0;
  driver_features_beyond_64_ = false;
  queue_sel_ = 0;
  for (auto& queue : queues_) queue = QueueRegisters{};
  interrupt_status_.store(0);
  if (status_ == 0) return;
  reset_pending_ = true;
  forget_posted_notifications();
  boost::asio::post(device_context_, guarded(alive_, [this] {
    device_.reset();
    finish_reset();
  }));
}

// A notification handed over before a reset or an activation runs before
// it, so it cannot stand for one the driver writes after: the next write
// posts a hand-over of its own, behind the reset or activation.
void MmioTransport::forget_posted_notifications() {
  for (auto& posted : notify_posted_) posted.store(false);
}

void MmioTransport::finish_reset() {
  std::lock_guard lock(mutex_);
  status_ = 0;
  interrupt_status_.store(0);
  reset_pending_ = false;
}

void MmioTransport::enter_needs_reset(const std::string& why) {
  if (status_ & kStatusDeviceNeedsReset) return;
  status_ |= kStatusDeviceNeedsReset;
  needs_reset_count_.fetch_add(1, std::memory_order_relaxed);
  // Logged once per device at warn level: a guest that keeps breaking and
  // resetting its device must not flood the log.
  if (!needs_reset_logged_) spdlog::warn("{}: device needs reset: {}", name_, why);
  else spdlog::debug("{}: device needs reset: {}", name_, why);
  needs_reset_logged_ = true;
  // "If DEVICE_NEEDS_RESET is set, the device MUST send a device
  // configuration change notification to the driver" (virtio 1.2 §2.1.2).
  raise_interrupt(mmio::kInterruptConfigChange);
}

void MmioTransport::raise_interrupt(uint32_t reason) {
  interrupt_status_.fetch_or(reason);
  interrupts_.fetch_add(1, std::memory_order_relaxed);
  interrupt_.trigger();
}

void MmioTransport::notify_used_buffers() { raise_interrupt(mmio::kInterruptUsedBuffer); }

void MmioTransport::notify_config_changed() {
  std::lock_guard lock(mutex_);
  ++config_generation_;
  raise_interrupt(mmio::kInterruptConfigChange);
}

void MmioTransport::device_needs_reset(const std::string& why) {
  std::lock_guard lock(mutex_);
  if (reset_pending_) return;  // the driver is already resetting the device
  enter_needs_reset(why);
}

TransportCounters MmioTransport::counters() const {
  return {notifications_.load(std::memory_order_relaxed), interrupts_.load(std::memory_order_relaxed),
          needs_reset_count_.load(std::memory_order_relaxed)};
}

uint32_t MmioTransport::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

}  // namespace vmm::virtio
