// The KVM layer: the only code that calls ioctl(). Everything above it talks
// to these interfaces, so unit tests drive the whole VMM with a mock
// (tests/unit/mock/mock_kvm.h) and need no /dev/kvm.
#pragma once

#include "hv/kvm/kvm_uapi.h"  // <linux/kvm.h> with its C struct layout

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hv/core/result.h"

namespace vmm {

// One KVM binary statistic (KVM_GET_STATS_FD), under KVM's own name.
struct KvmStat {
  std::string name;
  uint64_t value;
};
using KvmStats = std::vector<KvmStat>;

// One KVM interrupt route: KVM GSI `gsi` drives pin `pin` of `chip`
// (KVM_IRQCHIP_PIC_MASTER, _PIC_SLAVE or _IOAPIC).
struct GsiRoute {
  uint32_t gsi;
  uint32_t chip;
  uint32_t pin;
  bool operator==(const GsiRoute&) const = default;
};

struct MsrValue {
  uint32_t index;
  uint64_t value;
};

class KvmVcpu {
 public:
  virtual ~KvmVcpu() = default;

  virtual int id() const = 0;
  // The shared kvm_run area (mmap'd from the vCPU fd). IO data lives at
  // run()->io.data_offset inside the same mapping.
  virtual kvm_run* run_area() = 0;
  virtual size_t run_area_size() const = 0;
  // KVM_RUN. Returns ok with run_area()->exit_reason set; an EINTR (a kick)
  // is reported as ok with exit_reason KVM_EXIT_INTR.
  virtual Result<void> run() = 0;

  virtual Result<kvm_regs> get_regs() = 0;
  virtual Result<void> set_regs(const kvm_regs& regs) = 0;
  virtual Result<kvm_sregs> get_sregs() = 0;
  virtual Result<void> set_sregs(const kvm_sregs& sregs) = 0;
  virtual Result<void> set_fpu(const kvm_fpu& fpu) = 0;
  virtual Result<void> set_cpuid(const std::vector<kvm_cpuid_entry2>& entries) = 0;
  virtual Result<void> set_msrs(const std::vector<MsrValue>& msrs) = 0;
  virtual Result<kvm_lapic_state> get_lapic() = 0;
  virtual Result<void> set_lapic(const kvm_lapic_state& lapic) = 0;
  virtual Result<kvm_mp_state> get_mp_state() = 0;
  // KVM's per-vCPU counters (KVM_GET_STATS_FD), read at the moment of call.
  virtual Result<KvmStats> read_stats() = 0;
};

class KvmVm {
 public:
  virtual ~KvmVm() = default;

  virtual Result<void> set_user_memory_region(uint32_t slot, uint64_t guest_phys_addr,
                                              uint64_t size, void* host_addr) = 0;
  virtual Result<void> set_tss_addr(uint64_t addr) = 0;
  virtual Result<void> set_identity_map_addr(uint64_t addr) = 0;
  virtual Result<void> create_irqchip() = 0;
  virtual Result<void> create_pit2() = 0;
  virtual Result<void> set_irq_line(uint32_t gsi, bool level) = 0;
  // KVM_SET_GSI_ROUTING: replaces the whole routing table.
  virtual Result<void> set_gsi_routing(const std::vector<GsiRoute>& routes) = 0;
  virtual Result<std::unique_ptr<KvmVcpu>> create_vcpu(int id) = 0;
  // ioeventfd / irqfd (used by virtio; ownership of the eventfds stays with
  // the caller).
  virtual Result<void> register_ioeventfd(uint64_t addr, uint32_t len, int fd, bool pio,
                                          bool deassign) = 0;
  virtual Result<void> register_irqfd(uint32_t gsi, int fd, bool deassign) = 0;
};

class KvmSystem {
 public:
  virtual ~KvmSystem() = default;

  virtual Result<int> api_version() = 0;
  virtual Result<int> check_extension(long capability) = 0;
  // The largest vCPU count this host allows (KVM_CAP_MAX_VCPUS).
  virtual Result<int> max_vcpus() = 0;
  virtual Result<std::vector<kvm_cpuid_entry2>> supported_cpuid() = 0;
  virtual Result<std::unique_ptr<KvmVm>> create_vm() = 0;
};

// The real implementation over /dev/kvm (hv/kvm/linux_kvm_system.cpp).
Result<std::unique_ptr<KvmSystem>> open_kvm(const std::string& device = "/dev/kvm");

}  // namespace vmm
