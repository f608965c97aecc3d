// The interface between a virtio transport and a device model (Firecracker's
// split): a device offers features, a configuration space and queues, and is
// activated and reset; it never sees transport registers. The transport
// negotiates, validates the driver's queue set-up and hands the device
// ready-to-use Virtqueues.
//
// Threads: the fixed facts and the configuration space are read by vCPU
// threads; activate(), reset(), queue_notified() and everything the device
// does with its queues run on one device thread, in the order the driver
// caused them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "virtio/queue/virtqueue.h"

namespace vmm::virtio {

// What a device may ask of its transport, from the device thread.
class DeviceSignals {
 public:
  virtual ~DeviceSignals() = default;
  // A used buffer notification (virtio 1.2 §2.3): InterruptStatus bit 0 and
  // the interrupt. Call it only when Virtqueue::publish_used() said so.
  virtual void notify_used_buffers() = 0;
  // The configuration space changed: ConfigGeneration moves, config interrupt.
  virtual void notify_config_changed() = 0;
  // The driver broke a rule (`why`): the device stops using its queues and
  // sets DEVICE_NEEDS_RESET (virtio 1.2 §2.1.2); logged once.
  virtual void device_needs_reset(const std::string& why) = 0;
};

// Queue i of the device, or nullopt if the driver left it disabled.
using ActiveQueues = std::vector<std::optional<Virtqueue>>;

struct Activation {
  uint64_t features;       // as negotiated
  ActiveQueues queues;
  DeviceSignals* signals;  // valid until reset()
};

class VirtioDevice {
 public:
  virtual ~VirtioDevice() = default;

  virtual uint32_t device_type() const = 0;  // virtio 1.2 §5
  // Device-specific and ring features; the transport adds VIRTIO_F_VERSION_1.
  virtual uint64_t device_features() const = 0;
  virtual uint16_t queue_count() const = 0;
  virtual uint16_t queue_max_size() const = 0;

  // Configuration space accesses, `offset` from its start. Natural alignment
  // has been checked; bytes past the end read as 0.
  virtual void read_config(uint64_t offset, std::span<uint8_t> data) const = 0;
  virtual void write_config(uint64_t offset, std::span<const uint8_t> data) = 0;

  // Device thread only. The driver set DRIVER_OK with valid queues.
  virtual void activate(Activation activation) = 0;
  // Device thread only. Drop the queues; nothing may touch them afterwards.
  virtual void reset() = 0;
  // Device thread only. The driver notified `queue` (it may have nothing new).
  virtual void queue_notified(uint16_t queue) = 0;
};

}  // namespace vmm::virtio
