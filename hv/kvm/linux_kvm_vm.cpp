#include "hv/kvm/linux_kvm_vm.h"

#include <string>

#include "hv/kvm/kvm_ioctl.h"
#include "hv/kvm/linux_kvm_vcpu.h"

namespace vmm {
namespace {

Result<void> check(Result<int> ioctl_result) {
  if (!ioctl_result.ok()) return ioctl_result.take_error();
  return ok();
}

class LinuxKvmVm final : public KvmVm {
 public:
  LinuxKvmVm(FileDescriptor fd, size_t run_mmap_size)
      : fd_(std::move(fd)), run_mmap_size_(run_mmap_size) {}

  Result<void> set_user_memory_region(uint32_t slot, uint64_t guest_phys_addr, uint64_t size,
                                      void* host_addr) override {
    kvm_userspace_memory_region region{};
    region.slot = slot;
    region.guest_phys_addr = guest_phys_addr;
    region.memory_size = size;
    region.userspace_addr = reinterpret_cast<uint64_t>(host_addr);
    return check(kvm_ioctl(fd_.get(), KVM_SET_USER_MEMORY_REGION,
                           "KVM_SET_USER_MEMORY_REGION (slot " + std::to_string(slot) + ")",
                           &region));
  }

  // Intel VMX needs three pages for a real-mode TSS; AMD ignores it.
  Result<void> set_tss_addr(uint64_t addr) override {
    return check(kvm_ioctl(fd_.get(), KVM_SET_TSS_ADDR, "KVM_SET_TSS_ADDR",
                           static_cast<unsigned long>(addr)));
  }

  // One page for the identity-mapped page table VMX uses while the guest
  // runs unpaged; takes a pointer, unlike KVM_SET_TSS_ADDR.
  Result<void> set_identity_map_addr(uint64_t addr) override {
    return check(kvm_ioctl(fd_.get(), KVM_SET_IDENTITY_MAP_ADDR, "KVM_SET_IDENTITY_MAP_ADDR", &addr));
  }

  Result<void> create_irqchip() override {
    return check(kvm_ioctl(fd_.get(), KVM_CREATE_IRQCHIP, "KVM_CREATE_IRQCHIP"));
  }

  Result<void> create_pit2() override {
    kvm_pit_config config{};  // flags 0: no speaker port emulation
    return check(kvm_ioctl(fd_.get(), KVM_CREATE_PIT2, "KVM_CREATE_PIT2", &config));
  }

  Result<void> set_irq_line(uint32_t gsi, bool level) override {
    kvm_irq_level irq{};
    irq.irq = gsi;
    irq.level = level ? 1 : 0;
    return check(kvm_ioctl(fd_.get(), KVM_IRQ_LINE, "KVM_IRQ_LINE", &irq));
  }

  Result<void> set_gsi_routing(const std::vector<GsiRoute>& routes) override {
    // kvm_irq_routing ends in a flexible array of entries.
    std::vector<uint8_t> buffer(sizeof(kvm_irq_routing) + routes.size() * sizeof(kvm_irq_routing_entry));
    auto* table = reinterpret_cast<kvm_irq_routing*>(buffer.data());
    table->nr = static_cast<uint32_t>(routes.size());
    for (size_t i = 0; i < routes.size(); ++i) {
      kvm_irq_routing_entry& entry = table->entries[i];
      entry.gsi = routes[i].gsi;
      entry.type = KVM_IRQ_ROUTING_IRQCHIP;
      entry.u.irqchip.irqchip = routes[i].chip;
      entry.u.irqchip.pin = routes[i].pin;
    }
    return check(kvm_ioctl(fd_.get(), KVM_SET_GSI_ROUTING, "KVM_SET_GSI_ROUTING", table));
  }

  Result<std::unique_ptr<KvmVcpu>> create_vcpu(int id) override {
    int fd = VMM_TRY(kvm_ioctl(fd_.get(), KVM_CREATE_VCPU,
                               "KVM_CREATE_VCPU (id " + std::to_string(id) + ")",
                               static_cast<unsigned long>(id)));
    return make_linux_kvm_vcpu(id, FileDescriptor(fd), run_mmap_size_);
  }

  Result<void> register_ioeventfd(uint64_t addr, uint32_t len, int fd, bool pio,
                                  bool deassign) override {
    kvm_ioeventfd request{};
    request.addr = addr;
    request.len = len;
    request.fd = fd;
    request.flags = (pio ? KVM_IOEVENTFD_FLAG_PIO : 0) | (deassign ? KVM_IOEVENTFD_FLAG_DEASSIGN : 0);
    return check(kvm_ioctl(fd_.get(), KVM_IOEVENTFD, "KVM_IOEVENTFD", &request));
  }

  Result<void> register_irqfd(uint32_t gsi, int fd, bool deassign) override {
    kvm_irqfd request{};
    request.fd = static_cast<uint32_t>(fd);
    request.gsi = gsi;
    request.flags = deassign ? KVM_IRQFD_FLAG_DEASSIGN : 0;
    return check(kvm_ioctl(fd_.get(), KVM_IRQFD, "KVM_IRQFD", &request));
  }

 private:
  FileDescriptor fd_;
  size_t run_mmap_size_;
};

}  // namespace

std::unique_ptr<KvmVm> make_linux_kvm_vm(FileDescriptor vm_fd, size_t run_mmap_size) {
  return std::make_unique<LinuxKvmVm>(std::move(vm_fd), run_mmap_size);
}

}  // namespace vmm
