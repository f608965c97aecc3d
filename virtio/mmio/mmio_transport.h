// The virtio-mmio transport, version 2 (virtio 1.2 §4.2): the register block
// a driver sees at 0xD000_0000 + i*0x1000, in front of one VirtioDevice.
// It negotiates features, runs the device status state machine, records and
// validates the queue set-up, keeps InterruptStatus and ConfigGeneration,
// and hands the device's work to the device thread.
//
// Threads: read()/write() come from vCPU threads and are serialized by a
// mutex. Everything that touches the device's queues (activate, reset, queue
// notifications) is posted to `device_context`, so a vCPU thread never runs
// device work and the device sees the driver's actions in order. A reset
// completes only once the device thread has dropped the queues; until then
// Status reads back its old value, as virtio 1.2 §2.4 allows ("the driver
// SHOULD consider a driver-initiated reset complete when it reads device
// status as 0").
#pragma once

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "virtio/device/virtio_device.h"
#include "virtio/mmio/interrupt_trigger.h"
#include "virtio/queue/queue_layout.h"
#include "hv/core/alive_token.h"
#include "hv/core/log_once.h"
#include "hv/bus/bus_device.h"
#include "hv/memory/guest_memory.h"

namespace vmm::virtio {

struct TransportCounters {
  uint64_t notifications = 0;  // driver -> device queue notifications
  uint64_t interrupts = 0;     // device -> driver interrupts (used buffer + config)
  uint64_t needs_reset = 0;    // times the device entered DEVICE_NEEDS_RESET
};

struct MmioTransportDeps {
  VirtioDevice& device;
  const GuestMemory& memory;
  boost::asio::io_context& device_context;
  InterruptTrigger& interrupt;
  std::string name;  // "virtio-net0", in log lines
};

class MmioTransport : public BusDevice, private DeviceSignals {
 public:
  explicit MmioTransport(MmioTransportDeps deps);

  void read(const BusAccess& access, std::span<uint8_t> data) override;
  void write(const BusAccess& access, std::span<const uint8_t> data) override;

  // `count` QueueNotify writes that KVM absorbed through an ioeventfd. On the
  // device thread. Without datamatch the queue is unknown, so every queue is
  // looked at.
  void notified_through_eventfd(uint64_t count);

  TransportCounters counters() const;
  uint32_t status() const;

 private:
  struct QueueRegisters {
    QueueLayout layout;
    bool ready = false;
  };

  uint32_t read_register(uint64_t offset);
  void write_register(uint64_t offset, uint32_t value);
  void write_queue_register(uint64_t offset, uint32_t value);
  void write_driver_features(uint32_t value);
  void set_queue_ready(uint32_t value);
  void queue_notify(uint32_t queue);
  void write_status(uint32_t value);
  void begin_reset();
  void finish_reset();
  void forget_posted_notifications();
  void activate();
  Result<ActiveQueues> build_queues(uint64_t features) const;
  bool features_acceptable() const;
  uint64_t offered_features() const;
  QueueRegisters* selected_queue();
  void config_access(uint64_t offset, std::span<uint8_t> read_data,
                     std::span<const uint8_t> write_data);
  void enter_needs_reset(const std::string& why);  // mutex_ held
  void raise_interrupt(uint32_t reason);
  void log_guest_error(const std::string& key, const std::string& message);

  // DeviceSignals, called by the device on the device thread.
  void notify_used_buffers() override;
  void notify_config_changed() override;
  void device_needs_reset(const std::string& why) override;

  VirtioDevice& device_;
  const GuestMemory& memory_;
  boost::asio::io_context& device_context_;
  InterruptTrigger& interrupt_;
  std::string name_;

  mutable std::mutex mutex_;  // guards everything below but the atomics
  uint32_t status_ = 0;
  bool reset_pending_ = false;
  uint32_t device_features_sel_ = 0;
  uint32_t driver_features_sel_ = 0;
  uint64_t driver_features_ = 0;
  bool driver_features_beyond_64_ = false;
  uint32_t queue_sel_ = 0;
  std::vector<QueueRegisters> queues_;
  uint32_t config_generation_ = 0;
  bool needs_reset_logged_ = false;

  // Per queue: a QueueNotify hand-over is posted and has not run yet. It
  // covers later writes too, so a guest writing QueueNotify in a loop while
  // the device thread is busy queues one hand-over, not one per write.
  std::vector<std::atomic<bool>> notify_posted_;
  std::atomic<uint32_t> interrupt_status_{0};
  std::atomic<uint64_t> notifications_{0};
  std::atomic<uint64_t> interrupts_{0};
  std::atomic<uint64_t> needs_reset_count_{0};
  LogOnce log_once_;
  AliveToken alive_;  // last: posted work sees it gone first
};

}  // namespace vmm::virtio
