// Pieces every test of the whole Vm against the mock KVM needs: what
// KVM_GET_SUPPORTED_CPUID says on a typical host, the guest's debug-exit
// write in a vCPU's run area, and a bounded wait for another thread's work.
#pragma once

#include <linux/kvm.h>

#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "abi/platform.h"
#include "tests/unit/mock/mock_kvm.h"

namespace vmm::testing {

inline kvm_cpuid_entry2 cpuid_leaf(uint32_t function, uint32_t eax = 0, uint32_t ebx = 0, uint32_t ecx = 0,
                                   uint32_t edx = 0) {
  kvm_cpuid_entry2 e{};
  e.function = function;
  e.eax = eax;
  e.ebx = ebx;
  e.ecx = ecx;
  e.edx = edx;
  return e;
}

inline std::vector<kvm_cpuid_entry2> typical_host_cpuid() {
  return {cpuid_leaf(0x0, 0x7), cpuid_leaf(0x1, 0x000a0678, 0x00000800, 0x01202000, 0x0f8bfbff),
          cpuid_leaf(0x40000000, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d),
          cpuid_leaf(0x40000001, 0x01007efb), cpuid_leaf(0x80000000, 0x80000008),
          cpuid_leaf(0x80000001, 0, 0, 0x101, 0x20100800), cpuid_leaf(0x80000008, 0x3030)};
}

// The vCPU writes `value` to the debug-exit port: the VM ends with
// (value << 1) | 1.
inline void write_debug_exit(MockKvmVcpu* vcpu, uint8_t value) {
  kvm_run* run = vcpu->run_area();
  run->exit_reason = KVM_EXIT_IO;
  run->io = {KVM_EXIT_IO_OUT, 1, platform::kDebugExitPort, 1, 4096};
  reinterpret_cast<uint8_t*>(run)[4096] = value;
}

// For waits on another thread's work: the bound only turns a hang into a
// failure.
template <typename Predicate>
bool eventually_within_10s(Predicate done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return true;
}

}  // namespace vmm::testing
