// One virtio-net device wired into the VM: its backend, the device model,
// the virtio-mmio transport in slot `index` (0xD000_0000 + index * 0x1000,
// IOAPIC GSI 5 + index, abi/platform.h), its interrupt through KVM_IRQFD and,
// unless --no-ioeventfd, its QueueNotify register through KVM_IOEVENTFD.
// All device work runs on the device thread's io_context.
#pragma once

#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>

#include "virtio/mmio/mmio_transport.h"
#include "hostnet/net_backend.h"
#include "virtio/net/virtio_net.h"
#include "virtio/notify/ioeventfd_notifier.h"
#include "virtio/notify/irqfd_interrupt.h"
#include "hv/bus/bus.h"
#include "hv/kvm/kvm.h"
#include "hv/memory/guest_memory.h"
#include "vmm/stats/device_stats.h"

namespace vmm {

struct VirtioNetSlotDeps {
  KvmVm& vm;
  const GuestMemory& memory;
  boost::asio::io_context& device_context;
  Bus& mmio_bus;
};

class VirtioNetSlot {
 public:
  static Result<std::unique_ptr<VirtioNetSlot>> create(uint32_t index,
                                                       std::unique_ptr<net::NetBackend> backend,
                                                       bool use_ioeventfd, VirtioNetSlotDeps deps);
  ~VirtioNetSlot();
  VirtioNetSlot(const VirtioNetSlot&) = delete;
  VirtioNetSlot& operator=(const VirtioNetSlot&) = delete;

  const std::string& name() const { return name_; }
  // How the guest learns about the device, QEMU microvm's way:
  // "virtio_mmio.device=4K@0xd0000000:5".
  std::string kernel_cmdline_entry() const;
  DeviceStats stats() const;

 private:
  VirtioNetSlot(uint32_t index, std::unique_ptr<net::NetBackend> backend, bool use_ioeventfd);
  Result<void> wire(VirtioNetSlotDeps deps);

  uint32_t index_;
  uint64_t mmio_base_;
  uint32_t gsi_;
  bool use_ioeventfd_;
  std::string name_;
  // Declared in the order they depend on each other; destroyed in reverse.
  std::unique_ptr<net::NetBackend> backend_;
  std::unique_ptr<virtio::IrqfdInterrupt> interrupt_;
  std::unique_ptr<virtio::VirtioNet> device_;
  std::shared_ptr<virtio::MmioTransport> transport_;  // shared with the MMIO bus
  std::unique_ptr<virtio::IoeventfdNotifier> notifier_;
};

}  // namespace vmm
