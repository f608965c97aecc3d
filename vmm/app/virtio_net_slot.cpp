#include "vmm/app/virtio_net_slot.h"

#include "abi/platform.h"
#include "virtio/spec.h"
#include "hv/core/hex.h"

namespace vmm {

VirtioNetSlot::VirtioNetSlot(uint32_t index, std::unique_ptr<net::NetBackend> backend,
                             bool use_ioeventfd)
    : index_(index),
      mmio_base_(platform::kVirtioMmioBase + index * platform::kVirtioMmioStride),
      gsi_(platform::kVirtioMmioFirstGsi + index),
      use_ioeventfd_(use_ioeventfd),
      name_("virtio-net" + std::to_string(index)),
      backend_(std::move(backend)) {}

VirtioNetSlot::~VirtioNetSlot() = default;

Result<std::unique_ptr<VirtioNetSlot>> VirtioNetSlot::create(
    uint32_t index, std::unique_ptr<net::NetBackend> backend, bool use_ioeventfd,
    VirtioNetSlotDeps deps) {
  if (index >= platform::kVirtioMmioMaxDevices)
    return make_error("virtio-mmio slot " + std::to_string(index) + " does not exist");
  if (!backend) return make_error("virtio-net: no backend");
  std::unique_ptr<VirtioNetSlot> slot(new VirtioNetSlot(index, std::move(backend), use_ioeventfd));
  VMM_TRY_VOID(slot->wire(deps));
  return slot;
}

Result<void> VirtioNetSlot::wire(VirtioNetSlotDeps deps) {
  interrupt_ = VMM_TRY(virtio::IrqfdInterrupt::create(deps.vm, gsi_));
  device_ = std::make_unique<virtio::VirtioNet>(deps.memory, *backend_,
                                                net::default_mac(static_cast<uint8_t>(index_)),
                                                deps.device_context);
  transport_ = std::make_shared<virtio::MmioTransport>(virtio::MmioTransportDeps{
      *device_, deps.memory, deps.device_context, *interrupt_, name_});
  VMM_TRY_VOID(deps.mmio_bus.insert(mmio_base_, virtio::mmio::kWindowSize, name_, transport_));
  if (use_ioeventfd_) {
    notifier_ = VMM_TRY(virtio::IoeventfdNotifier::create(
        deps.vm, mmio_base_ + virtio::mmio::kRegQueueNotify, deps.device_context,
        [transport = transport_.get()](uint64_t count) { transport->notified_through_eventfd(count); }));
  }
  auto attached = backend_->attach(deps.device_context, *device_);
  if (!attached.ok()) return make_error(name_ + ": " + attached.error().message);
  return ok();
}

std::string VirtioNetSlot::kernel_cmdline_entry() const {
  return "virtio_mmio.device=4K@" + hex(mmio_base_) + ":" + std::to_string(gsi_);
}

DeviceStats VirtioNetSlot::stats() const {
  virtio::NetDeviceCounters net = device_->counters();
  virtio::TransportCounters transport = transport_->counters();
  net::BackendCounters backend = backend_->counters();
  DeviceStats stats;
  stats.name = name_;
  stats.type = "virtio-net";
  stats.properties = {{"backend", std::string(backend_->kind())},
                      {"mmio_base", hex(mmio_base_)},
                      {"gsi", std::to_string(gsi_)},
                      {"notify", use_ioeventfd_ ? "ioeventfd" : "mmio-exit"}};
  stats.counters = {{"tx_frames", net.tx_frames},
                    {"tx_bytes", net.tx_bytes},
                    {"rx_frames", net.rx_frames},
                    {"rx_bytes", net.rx_bytes},
                    {"rx_drops_no_buffer", backend.rx_dropped_no_buffer},
                    {"rx_drops_buffer_too_small", net.rx_dropped_buffer_too_small},
                    {"rx_drops_ring_too_small", net.rx_dropped_ring_too_small},
                    {"rx_drops_backend_error", backend.rx_errors},
                    {"tx_drops_backend_error", net.tx_dropped_backend_error},
                    // Of those, the frames the user backend refused: they would have
                    // opened one host socket too many (slirp_backend.h).
                    {"tx_drops_socket_budget", backend.tx_dropped_socket_budget},
                    {"tx_drops_malformed", net.tx_dropped_malformed},
                    {"rx_waits_for_buffers", net.rx_waits_for_buffers},
                    {"notifications", transport.notifications},
                    {"interrupts", transport.interrupts},
                    {"needs_reset", transport.needs_reset}};
  return stats;
}

}  // namespace vmm
