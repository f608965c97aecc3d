// A KvmVcpu that confines the thread running it with the vCPU seccomp
// filter at its first run(), i.e. on the vCPU's own thread, after the
// thread's set-up and before the guest runs a single instruction on it.
// The run loop (vmm/vcpu) stays unaware of seccomp: a failed installation
// is a failed run(), which ends the VM with status 6 and the reason.
// Everything else is passed through.
#pragma once

#include "hv/kvm/kvm.h"
#include "vmm/seccomp/thread_filters.h"

namespace vmm {

class ConfinedVcpu final : public KvmVcpu {
 public:
  // `vcpu` and `filters` must outlive this.
  ConfinedVcpu(KvmVcpu& vcpu, const seccomp::ThreadFilters& filters) : vcpu_(vcpu), filters_(filters) {}

  int id() const override { return vcpu_.id(); }
  kvm_run* run_area() override { return vcpu_.run_area(); }
  size_t run_area_size() const override { return vcpu_.run_area_size(); }
  Result<void> run() override;

  Result<kvm_regs> get_regs() override { return vcpu_.get_regs(); }
  Result<void> set_regs(const kvm_regs& regs) override { return vcpu_.set_regs(regs); }
  Result<kvm_sregs> get_sregs() override { return vcpu_.get_sregs(); }
  Result<void> set_sregs(const kvm_sregs& sregs) override { return vcpu_.set_sregs(sregs); }
  Result<void> set_fpu(const kvm_fpu& fpu) override { return vcpu_.set_fpu(fpu); }
  Result<void> set_cpuid(const std::vector<kvm_cpuid_entry2>& entries) override {
    return vcpu_.set_cpuid(entries);
  }
  Result<void> set_msrs(const std::vector<MsrValue>& msrs) override { return vcpu_.set_msrs(msrs); }
  Result<kvm_lapic_state> get_lapic() override { return vcpu_.get_lapic(); }
  Result<void> set_lapic(const kvm_lapic_state& lapic) override { return vcpu_.set_lapic(lapic); }
  Result<kvm_mp_state> get_mp_state() override { return vcpu_.get_mp_state(); }
  Result<KvmStats> read_stats() override { return vcpu_.read_stats(); }

 private:
  KvmVcpu& vcpu_;
  const seccomp::ThreadFilters& filters_;
  bool confined_ = false;  // only the vCPU's thread calls run()
};

}  // namespace vmm
