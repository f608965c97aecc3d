// Register reads and writes of the virtio-mmio transport (virtio 1.2
// §4.2.2). The status state machine, reset and activation are in
// mmio_transport_lifecycle.cpp.
#include "virtio/mmio/mmio_transport.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <cstring>

#include "virtio/spec.h"
#include "hv/core/hex.h"

namespace vmm::virtio {

using namespace mmio;

namespace {

constexpr uint32_t kNoSharedMemory = 0xffffffff;  // SHMLen/SHMBase of an unused id (§4.2.2)

uint32_t low_half(uint64_t v) { return static_cast<uint32_t>(v); }
uint32_t high_half(uint64_t v) { return static_cast<uint32_t>(v >> 32); }
void set_low_half(uint64_t& v, uint32_t half) { v = (v & 0xffffffff00000000ull) | half; }
void set_high_half(uint64_t& v, uint32_t half) { v = (v & 0xffffffffull) | (uint64_t{half} << 32); }

uint32_t feature_word(uint64_t features, uint32_t select) {
  if (select == 0) return low_half(features);
  if (select == 1) return high_half(features);
  return 0;
}

}  // namespace

MmioTransport::MmioTransport(MmioTransportDeps deps)
    : device_(deps.device),
      memory_(deps.memory),
      device_context_(deps.device_context),
      interrupt_(deps.interrupt),
      name_(std::move(deps.name)),
      queues_(deps.device.queue_count()),
      notify_posted_(deps.device.queue_count()) {}

void MmioTransport::read(const BusAccess& access, std::span<uint8_t> data) {
  std::memset(data.data(), 0, data.size());
  if (access.offset >= kRegConfig) return config_access(access.offset - kRegConfig, data, {});
  // "The driver MUST only use 32 bit wide and aligned reads and writes to
  // access the control registers" (virtio 1.2 §4.2.2.2).
  if (data.size() != 4 || access.offset % 4 != 0)
    return log_guest_error("width", "control register read that is not 32-bit aligned, at " +
                                        hex(access.offset));
  std::lock_guard lock(mutex_);
  uint32_t value = read_register(access.offset);
  std::memcpy(data.data(), &value, 4);
}

void MmioTransport::write(const BusAccess& access, std::span<const uint8_t> data) {
  if (access.offset >= kRegConfig) return config_access(access.offset - kRegConfig, {}, data);
  if (data.size() != 4 || access.offset % 4 != 0)
    return log_guest_error("width", "control register write that is not 32-bit aligned, at " +
                                        hex(access.offset));
  uint32_t value;
  std::memcpy(&value, data.data(), 4);
  std::lock_guard lock(mutex_);
  write_register(access.offset, value);
}

uint32_t MmioTransport::read_register(uint64_t offset) {
  switch (offset) {
    case kRegMagicValue: return kMagic;
    case kRegVersion: return kModernVersion;
    case kRegDeviceId: return device_.device_type();
    case kRegVendorId: return kVendorId;
    case kRegDeviceFeatures: return feature_word(offered_features(), device_features_sel_);
    // "If the returned value is zero (0x0) the queue is not available" (§4.2.2).
    case kRegQueueNumMax: return selected_queue() ? device_.queue_max_size() : 0;
    case kRegQueueReady: return selected_queue() ? selected_queue()->ready : 0;
    case kRegInterruptStatus: return interrupt_status_.load();
    case kRegStatus: return status_;
    case kRegShmLenLow: case kRegShmLenHigh: case kRegShmBaseLow: case kRegShmBaseHigh:
      return kNoSharedMemory;
    case kRegQueueReset: return 0;  // VIRTIO_F_RING_RESET is not offered
    case kRegConfigGeneration: return config_generation_;
    default:
      log_guest_error("read " + hex(offset), "read of write-only or unknown register " + hex(offset));
      return 0;
  }
}

void MmioTransport::write_register(uint64_t offset, uint32_t value) {
  switch (offset) {
    case kRegDeviceFeaturesSel: device_features_sel_ = value; return;
    case kRegDriverFeatures: return write_driver_features(value);
    case kRegDriverFeaturesSel: driver_features_sel_ = value; return;
    case kRegQueueSel: queue_sel_ = value; return;
    case kRegQueueNum: case kRegQueueDescLow: case kRegQueueDescHigh: case kRegQueueDriverLow:
    case kRegQueueDriverHigh: case kRegQueueDeviceLow: case kRegQueueDeviceHigh:
    case kRegQueueReady:
      return write_queue_register(offset, value);
    case kRegQueueNotify: return queue_notify(value);
    case kRegInterruptAck: interrupt_status_.fetch_and(~value); return;
    case kRegStatus: return write_status(value);
    case kRegShmSel: case kRegQueueReset: return;  // nothing behind them
    default:
      log_guest_error("write " + hex(offset), "write of read-only or unknown register " + hex(offset));
  }
}

void MmioTransport::write_driver_features(uint32_t value) {
  // Features are written between DRIVER and FEATURES_OK (virtio 1.2 §3.1.1).
  if ((status_ & (kStatusDriver | kStatusFeaturesOk)) != kStatusDriver || reset_pending_)
    return log_guest_error("features", "DriverFeatures written outside the DRIVER step; ignored");
  if (driver_features_sel_ == 0) set_low_half(driver_features_, value);
  else if (driver_features_sel_ == 1) set_high_half(driver_features_, value);
  else if (value != 0) driver_features_beyond_64_ = true;
}

MmioTransport::QueueRegisters* MmioTransport::selected_queue() {
  return queue_sel_ < queues_.size() ? &queues_[queue_sel_] : nullptr;
}

void MmioTransport::write_queue_register(uint64_t offset, uint32_t value) {
  QueueRegisters* queue = selected_queue();
  // Queues are set up after FEATURES_OK and before DRIVER_OK (virtio 1.2
  // §3.1.1 step 7); a ready queue is not reconfigured (§4.2.3.2).
  bool in_setup = (status_ & (kStatusFeaturesOk | kStatusDriverOk)) == kStatusFeaturesOk;
  if (!queue || !in_setup || reset_pending_ || (queue->ready && offset != kRegQueueReady)) {
    if (offset == kRegQueueReady && value == 0) return;  // disabling a queue that is not live
    return log_guest_error("queue " + hex(offset),
                           "queue register " + hex(offset) + " written outside queue set-up, or "
                           "for a missing or ready queue; ignored");
  }
  QueueLayout& layout = queue->layout;
  switch (offset) {
    case kRegQueueNum: layout.size = value; return;
    case kRegQueueDescLow: set_low_half(layout.desc_gpa, value); return;
    case kRegQueueDescHigh: set_high_half(layout.desc_gpa, value); return;
    case kRegQueueDriverLow: set_low_half(layout.avail_gpa, value); return;
    case kRegQueueDriverHigh: set_high_half(layout.avail_gpa, value); return;
    case kRegQueueDeviceLow: set_low_half(layout.used_gpa, value); return;
    case kRegQueueDeviceHigh: set_high_half(layout.used_gpa, value); return;
    case kRegQueueReady: return set_queue_ready(value);
  }
}

void MmioTransport::set_queue_ready(uint32_t value) {
  QueueRegisters& queue = *selected_queue();
  if (value == 0) {
    queue.ready = false;
    return;
  }
  // Checked now so that a bad layout is reported at the write that made it
  // live; activate() checks again (the driver cannot change it meanwhile).
  auto rings = map_queue_layout(memory_, queue.layout, device_.queue_max_size());
  if (!rings.ok()) return enter_needs_reset("queue " + std::to_string(queue_sel_) + ": " +
                                            rings.error().message);
  queue.ready = true;
}

void MmioTransport::queue_notify(uint32_t queue) {
  notifications_.fetch_add(1, std::memory_order_relaxed);
  if (queue >= queues_.size())
    return log_guest_error("notify", "QueueNotify for missing queue " + std::to_string(queue));
  // The vCPU only hands the notification over; the device thread does the
  // work. A hand-over still waiting looks at the ring when it runs, so it
  // covers this write too: its exchange(false) reads what this exchange
  // wrote, so the driver's ring writes before this exit are visible to it.
  // Why no wakeup is lost (--no-ioeventfd): the flag is cleared before the
  // device looks, never after, so a write whose exchange saw `true` is
  // covered by a look that has not started yet, and one that saw `false`
  // posts its own. forget_posted_notifications() only clears flags; the
  // hand-overs already posted still run, and activation looks at both queues
  // itself.
  if (notify_posted_[queue].exchange(true)) return;
  boost::asio::post(device_context_, guarded(alive_, [this, queue] {
    notify_posted_[queue].exchange(false);
    device_.queue_notified(static_cast<uint16_t>(queue));
  }));
}

void MmioTransport::notified_through_eventfd(uint64_t count) {
  notifications_.fetch_add(count, std::memory_order_relaxed);
  for (uint16_t queue = 0; queue < queues_.size(); ++queue) device_.queue_notified(queue);
}

void MmioTransport::config_access(uint64_t offset, std::span<uint8_t> read_data,
                                  std::span<const uint8_t> write_data) {
  size_t width = read_data.empty() ? write_data.size() : read_data.size();
  // Fields are accessed at their own width and alignment (virtio 1.2 §4.2.2.2).
  if ((width != 1 && width != 2 && width != 4 && width != 8) || offset % width != 0)
    return log_guest_error("config width", "misaligned configuration space access at " +
                                               hex(kRegConfig + offset));
  if (!read_data.empty()) device_.read_config(offset, read_data);
  else device_.write_config(offset, write_data);
}

void MmioTransport::log_guest_error(const std::string& key, const std::string& message) {
  if (log_once_.first_time(key)) spdlog::warn("{}: {}", name_, message);
}

}  // namespace vmm::virtio
