#include "hv/kvm/linux_kvm_vcpu.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>

#include "hv/core/hex.h"
#include "hv/kvm/kvm_ioctl.h"
#include "hv/kvm/kvm_stats_reader.h"
#include "hv/kvm/shared_mapping.h"

namespace vmm {
namespace {

// A kvm_msrs / kvm_cpuid2 style request: a fixed header followed by a
// flexible array, in one 8-byte aligned allocation.
template <typename Header, typename Entry>
class FlexibleRequest {
 public:
  explicit FlexibleRequest(size_t entries)
      : storage_((sizeof(Header) + entries * sizeof(Entry) + 7) / 8, 0) {}
  Header* header() { return reinterpret_cast<Header*>(storage_.data()); }
  Entry* entries() { return reinterpret_cast<Entry*>(header() + 1); }

 private:
  std::vector<uint64_t> storage_;
};

class LinuxKvmVcpu final : public KvmVcpu {
 public:
  LinuxKvmVcpu(int id, FileDescriptor fd, SharedMapping run, Result<KvmStatsReader> stats)
      : id_(id), fd_(std::move(fd)), run_(std::move(run)) {
    if (stats.ok())
      stats_.emplace(std::move(stats).value());
    else
      stats_error_ = stats.take_error();
  }

  int id() const override { return id_; }
  kvm_run* run_area() override { return static_cast<kvm_run*>(run_.data()); }
  size_t run_area_size() const override { return run_.size(); }

  Result<void> run() override {
    // Not retried: EINTR means a signal kicked the vCPU out (KVM API doc, KVM_RUN),
    // which the caller sees as KVM_EXIT_INTR. EAGAIN is what an application
    // processor waiting for INIT/SIPI (mp_state UNINITIALIZED) returns once it
    // was woken by INIT: run it again (arch/x86/kvm/x86.c, vcpu_ioctl_run).
    // KVM leaves exit_reason stale in both cases, so it is written here.
    if (::ioctl(fd_.get(), KVM_RUN, 0) < 0) {
      if (errno != EINTR && errno != EAGAIN) return ioctl_error("KVM_RUN", errno);
      run_area()->exit_reason = KVM_EXIT_INTR;
    }
    return ok();
  }

  Result<kvm_regs> get_regs() override { return get<kvm_regs>(KVM_GET_REGS, "KVM_GET_REGS"); }
  Result<void> set_regs(const kvm_regs& regs) override {
    return set(KVM_SET_REGS, "KVM_SET_REGS", regs);
  }
  Result<kvm_sregs> get_sregs() override { return get<kvm_sregs>(KVM_GET_SREGS, "KVM_GET_SREGS"); }
  Result<void> set_sregs(const kvm_sregs& sregs) override {
    return set(KVM_SET_SREGS, "KVM_SET_SREGS", sregs);
  }
  Result<void> set_fpu(const kvm_fpu& fpu) override { return set(KVM_SET_FPU, "KVM_SET_FPU", fpu); }
  Result<kvm_lapic_state> get_lapic() override {
    return get<kvm_lapic_state>(KVM_GET_LAPIC, "KVM_GET_LAPIC");
  }
  Result<void> set_lapic(const kvm_lapic_state& lapic) override {
    return set(KVM_SET_LAPIC, "KVM_SET_LAPIC", lapic);
  }
  Result<kvm_mp_state> get_mp_state() override {
    return get<kvm_mp_state>(KVM_GET_MP_STATE, "KVM_GET_MP_STATE");
  }

  Result<void> set_cpuid(const std::vector<kvm_cpuid_entry2>& entries) override {
    FlexibleRequest<kvm_cpuid2, kvm_cpuid_entry2> request(entries.size());
    request.header()->nent = static_cast<uint32_t>(entries.size());
    std::copy(entries.begin(), entries.end(), request.entries());
    VMM_TRY(kvm_ioctl(fd_.get(), KVM_SET_CPUID2, "KVM_SET_CPUID2", request.header()));
    return ok();
  }

  // KVM_SET_MSRS returns how many MSRs it set, stopping at the first one it
  // refuses (KVM API doc, KVM_SET_MSRS), so a short count names the culprit.
  Result<void> set_msrs(const std::vector<MsrValue>& msrs) override {
    FlexibleRequest<kvm_msrs, kvm_msr_entry> request(msrs.size());
    request.header()->nmsrs = static_cast<uint32_t>(msrs.size());
    for (size_t i = 0; i < msrs.size(); ++i)
      request.entries()[i] = kvm_msr_entry{msrs[i].index, 0, msrs[i].value};
    int accepted = VMM_TRY(kvm_ioctl(fd_.get(), KVM_SET_MSRS, "KVM_SET_MSRS", request.header()));
    if (static_cast<size_t>(accepted) < msrs.size())
      return make_error("KVM_SET_MSRS failed: set " + std::to_string(accepted) + " of " +
                        std::to_string(msrs.size()) + " MSRs; MSR " + hex(msrs[accepted].index) +
                        " (value " + hex(msrs[accepted].value) + ") was refused");
    return ok();
  }

  Result<KvmStats> read_stats() override {
    if (!stats_) return stats_error_;
    return stats_->read();
  }

 private:
  template <typename T>
  Result<T> get(unsigned long request, const char* name) {
    T value{};
    VMM_TRY(kvm_ioctl(fd_.get(), request, name, &value));
    return value;
  }
  template <typename T>
  Result<void> set(unsigned long request, const char* name, const T& value) {
    VMM_TRY(kvm_ioctl(fd_.get(), request, name, &value));
    return ok();
  }

  int id_;
  FileDescriptor fd_;
  SharedMapping run_;
  // Opened once at creation; if the kernel lacks KVM_GET_STATS_FD the vCPU
  // still works and read_stats() reports why it cannot.
  std::optional<KvmStatsReader> stats_;
  Error stats_error_;
};

}  // namespace

Result<std::unique_ptr<KvmVcpu>> make_linux_kvm_vcpu(int id, FileDescriptor vcpu_fd,
                                                     size_t run_mmap_size) {
  SharedMapping run = VMM_TRY(SharedMapping::map(vcpu_fd.get(), run_mmap_size, "the kvm_run area"));
  Result<KvmStatsReader> stats = KvmStatsReader::open(vcpu_fd.get());
  return std::unique_ptr<KvmVcpu>(
      std::make_unique<LinuxKvmVcpu>(id, std::move(vcpu_fd), std::move(run), std::move(stats)));
}

}  // namespace vmm
