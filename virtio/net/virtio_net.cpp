// The network device's configuration space, features and life cycle.
// Transmit is in virtio_net_tx.cpp, receive in virtio_net_rx.cpp.
#include "virtio/net/virtio_net.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>

#include "virtio/spec.h"

namespace vmm::virtio {

VirtioNet::VirtioNet(const GuestMemory& memory, net::NetBackend& backend, net::MacAddress mac,
                     boost::asio::io_context& device_context)
    : memory_(memory), backend_(backend), mac_(mac), device_context_(device_context) {}

uint32_t VirtioNet::device_type() const { return kDeviceIdNet; }

uint64_t VirtioNet::device_features() const {
  return net_spec::kFeatureMac | net_spec::kFeatureStatus | net_spec::kFeatureMergeRxBuffers |
         kVirtqueueFeatures;
}

uint16_t VirtioNet::queue_count() const { return net_spec::kQueueCount; }

void VirtioNet::read_config(uint64_t offset, std::span<uint8_t> data) const {
  net_spec::Config config{};
  std::copy(mac_.begin(), mac_.end(), config.mac);
  // The backend is attached for the device's whole life: the link is up.
  config.status = net_spec::kStatusLinkUp;
  config.max_virtqueue_pairs = 1;
  if (offset >= sizeof config) return;  // the transport zeroed `data`
  size_t n = std::min<size_t>(data.size(), sizeof config - offset);
  std::memcpy(data.data(), reinterpret_cast<const uint8_t*>(&config) + offset, n);
}

void VirtioNet::write_config(uint64_t offset, std::span<const uint8_t>) {
  // Every field is read-only for a modern driver (virtio 1.2 §5.1.4.2; the
  // MAC only changes through the control queue, which is not offered).
  if (log_once_.first_time("config write"))
    spdlog::warn("virtio-net: driver wrote configuration offset {}; ignored", offset);
}

void VirtioNet::activate(Activation activation) {
  signals_ = activation.signals;
  broken_ = false;
  waiting_for_rx_ = false;
  mergeable_rx_ = activation.features & net_spec::kFeatureMergeRxBuffers;
  auto& queues = activation.queues;
  if (queues.size() > net_spec::kReceiveQueue) rx_ = std::move(queues[net_spec::kReceiveQueue]);
  if (queues.size() > net_spec::kTransmitQueue) tx_ = std::move(queues[net_spec::kTransmitQueue]);
  // Receive asks for notifications only when it runs out of buffers.
  if (rx_) rx_->disable_notifications();
  backend_.resume_receive();  // frames held while the driver was not ready
  process_tx();               // anything queued before activation
}

void VirtioNet::reset() {
  signals_ = nullptr;
  rx_.reset();
  tx_.reset();
  broken_ = false;
  waiting_for_rx_ = false;
  mergeable_rx_ = false;
}

void VirtioNet::queue_notified(uint16_t queue) {
  if (!running()) return;
  if (queue == net_spec::kTransmitQueue) process_tx();
  else if (queue == net_spec::kReceiveQueue) rx_buffers_added();
}

// A broken rule makes the device stop touching its queues until reset.
void VirtioNet::fail(const Error& error) {
  if (!running()) return;
  broken_ = true;
  signals_->device_needs_reset(error.message);
}

void VirtioNet::publish(Virtqueue& queue) {
  if (queue.publish_used()) signals_->notify_used_buffers();
}

NetDeviceCounters VirtioNet::counters() const {
  NetDeviceCounters c;
  c.rx_frames = counters_.rx_frames.get();
  c.rx_bytes = counters_.rx_bytes.get();
  c.tx_frames = counters_.tx_frames.get();
  c.tx_bytes = counters_.tx_bytes.get();
  c.rx_dropped_buffer_too_small = counters_.rx_dropped_buffer_too_small.get();
  c.rx_dropped_ring_too_small = counters_.rx_dropped_ring_too_small.get();
  c.tx_dropped_malformed = counters_.tx_dropped_malformed.get();
  c.tx_dropped_backend_error = counters_.tx_dropped_backend_error.get();
  c.rx_waits_for_buffers = counters_.rx_waits_for_buffers.get();
  return c;
}

}  // namespace vmm::virtio
