// Test doubles around a transport: a VirtioDevice that records what the
// transport asks of it, and an InterruptTrigger that counts.
#pragma once

#include <cstring>
#include <vector>

#include "virtio/device/virtio_device.h"
#include "virtio/mmio/interrupt_trigger.h"
#include "virtio/spec.h"

namespace vmm::virtio::testing {

class RecordingDevice : public VirtioDevice {
 public:
  static constexpr uint64_t kFeatures = feature(5) | feature(16) | (uint64_t{1} << 34);
  static constexpr uint16_t kQueues = 2;
  static constexpr uint16_t kMaxQueueSize = 256;

  uint32_t device_type() const override { return 1; }
  uint64_t device_features() const override { return kFeatures; }
  uint16_t queue_count() const override { return kQueues; }
  uint16_t queue_max_size() const override { return kMaxQueueSize; }

  void read_config(uint64_t offset, std::span<uint8_t> data) const override {
    if (offset + data.size() <= sizeof config) std::memcpy(data.data(), config + offset, data.size());
  }
  void write_config(uint64_t offset, std::span<const uint8_t> data) override {
    if (offset + data.size() <= sizeof config) std::memcpy(config + offset, data.data(), data.size());
  }

  void activate(Activation activation) override {
    ++activations;
    features = activation.features;
    queues_present.clear();
    for (auto& queue : activation.queues) queues_present.push_back(queue.has_value());
    signals = activation.signals;
  }
  void reset() override {
    ++resets;
    signals = nullptr;
  }
  void queue_notified(uint16_t queue) override { notified.push_back(queue); }

  uint8_t config[8] = {'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'};
  int activations = 0;
  int resets = 0;
  uint64_t features = 0;
  std::vector<bool> queues_present;
  std::vector<uint16_t> notified;
  DeviceSignals* signals = nullptr;
};

class CountingTrigger : public InterruptTrigger {
 public:
  void trigger() override { ++count; }
  int count = 0;
};

}  // namespace vmm::virtio::testing
