// GoogleMock doubles of the KVM layer: the whole VMM runs against these in
// unit tests, without /dev/kvm.
#pragma once

#include <gmock/gmock.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "hv/kvm/kvm.h"

namespace vmm::testing {

class MockKvmVcpu : public KvmVcpu {
 public:
  // A kvm_run area with room for PIO data after it, as KVM's mapping has.
  static constexpr size_t kRunAreaSize = 3 * 4096;

  explicit MockKvmVcpu(int id = 0) : id_(id), area_(kRunAreaSize, 0) {}

  int id() const override { return id_; }
  kvm_run* run_area() override { return reinterpret_cast<kvm_run*>(area_.data()); }
  size_t run_area_size() const override { return area_.size(); }

  MOCK_METHOD(Result<void>, run, (), (override));
  MOCK_METHOD(Result<kvm_regs>, get_regs, (), (override));
  MOCK_METHOD(Result<void>, set_regs, (const kvm_regs&), (override));
  MOCK_METHOD(Result<kvm_sregs>, get_sregs, (), (override));
  MOCK_METHOD(Result<void>, set_sregs, (const kvm_sregs&), (override));
  MOCK_METHOD(Result<void>, set_fpu, (const kvm_fpu&), (override));
  MOCK_METHOD(Result<void>, set_cpuid, (const std::vector<kvm_cpuid_entry2>&), (override));
  MOCK_METHOD(Result<void>, set_msrs, (const std::vector<MsrValue>&), (override));
  MOCK_METHOD(Result<kvm_lapic_state>, get_lapic, (), (override));
  MOCK_METHOD(Result<void>, set_lapic, (const kvm_lapic_state&), (override));
  MOCK_METHOD(Result<kvm_mp_state>, get_mp_state, (), (override));
  MOCK_METHOD(Result<KvmStats>, read_stats, (), (override));

 private:
  int id_;
  alignas(8) std::vector<uint8_t> area_;
};

class MockKvmVm : public KvmVm {
 public:
  MOCK_METHOD(Result<void>, set_user_memory_region, (uint32_t, uint64_t, uint64_t, void*),
              (override));
  MOCK_METHOD(Result<void>, set_tss_addr, (uint64_t), (override));
  MOCK_METHOD(Result<void>, set_identity_map_addr, (uint64_t), (override));
  MOCK_METHOD(Result<void>, create_irqchip, (), (override));
  MOCK_METHOD(Result<void>, create_pit2, (), (override));
  MOCK_METHOD(Result<void>, set_irq_line, (uint32_t, bool), (override));
  MOCK_METHOD(Result<void>, set_gsi_routing, (const std::vector<GsiRoute>&), (override));
  MOCK_METHOD(Result<std::unique_ptr<KvmVcpu>>, create_vcpu, (int), (override));
  MOCK_METHOD(Result<void>, register_ioeventfd, (uint64_t, uint32_t, int, bool, bool),
              (override));
  MOCK_METHOD(Result<void>, register_irqfd, (uint32_t, int, bool), (override));
};

class MockKvmSystem : public KvmSystem {
 public:
  MOCK_METHOD(Result<int>, api_version, (), (override));
  MOCK_METHOD(Result<int>, check_extension, (long), (override));
  MOCK_METHOD(Result<int>, max_vcpus, (), (override));
  MOCK_METHOD(Result<std::vector<kvm_cpuid_entry2>>, supported_cpuid, (), (override));
  MOCK_METHOD(Result<std::unique_ptr<KvmVm>>, create_vm, (), (override));
};

}  // namespace vmm::testing
