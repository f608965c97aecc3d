// KvmSystem over /dev/kvm, and open_kvm().
#include <fcntl.h>

#include <cerrno>
#include <string>
#include <system_error>

#include "hv/kvm/file_descriptor.h"
#include "hv/kvm/kvm.h"
#include "hv/kvm/kvm_ioctl.h"
#include "hv/kvm/linux_kvm_vm.h"

namespace vmm {
namespace {

// KVM API doc, KVM_GET_API_VERSION: "the return value must be compared
// against KVM_API_VERSION" (12, stable since 2.6.22).
constexpr int kExpectedApiVersion = KVM_API_VERSION;

// KVM_GET_SUPPORTED_CPUID: E2BIG means "nent too small"; start big enough
// for current CPUs and double up to a bound.
constexpr uint32_t kInitialCpuidEntries = 128;
constexpr uint32_t kMaxCpuidEntries = 4096;

class LinuxKvmSystem final : public KvmSystem {
 public:
  LinuxKvmSystem(FileDescriptor fd, int api_version, size_t run_mmap_size)
      : fd_(std::move(fd)), api_version_(api_version), run_mmap_size_(run_mmap_size) {}

  Result<int> api_version() override { return api_version_; }

  Result<int> check_extension(long capability) override {
    return kvm_ioctl(fd_.get(), KVM_CHECK_EXTENSION, "KVM_CHECK_EXTENSION",
                     static_cast<unsigned long>(capability));
  }

  // KVM API doc, KVM_CAP_NR_VCPUS / KVM_CAP_MAX_VCPUS: MAX_VCPUS is the hard
  // limit; without it NR_VCPUS is; without either, assume 4.
  Result<int> max_vcpus() override {
    int max = VMM_TRY(check_extension(KVM_CAP_MAX_VCPUS));
    if (max > 0) return max;
    int nr = VMM_TRY(check_extension(KVM_CAP_NR_VCPUS));
    return nr > 0 ? nr : 4;
  }

  Result<std::vector<kvm_cpuid_entry2>> supported_cpuid() override {
    for (uint32_t n = kInitialCpuidEntries; n <= kMaxCpuidEntries; n *= 2) {
      std::vector<uint64_t> storage((sizeof(kvm_cpuid2) + n * sizeof(kvm_cpuid_entry2) + 7) / 8);
      auto* request = reinterpret_cast<kvm_cpuid2*>(storage.data());
      request->nent = n;
      int ret;
      do {
        ret = ::ioctl(fd_.get(), KVM_GET_SUPPORTED_CPUID, request);
      } while (ret < 0 && errno == EINTR);
      if (ret < 0 && errno == E2BIG) continue;
      if (ret < 0) return ioctl_error("KVM_GET_SUPPORTED_CPUID", errno);
      // On success KVM has set nent to the number of entries it filled.
      return std::vector<kvm_cpuid_entry2>(request->entries, request->entries + request->nent);
    }
    return ioctl_error("KVM_GET_SUPPORTED_CPUID", E2BIG);
  }

  Result<std::unique_ptr<KvmVm>> create_vm() override {
    // Machine type 0: the default x86 VM.
    int fd = VMM_TRY(kvm_ioctl(fd_.get(), KVM_CREATE_VM, "KVM_CREATE_VM", 0UL));
    return make_linux_kvm_vm(FileDescriptor(fd), run_mmap_size_);
  }

 private:
  FileDescriptor fd_;
  int api_version_;
  size_t run_mmap_size_;  // cached KVM_GET_VCPU_MMAP_SIZE
};

}  // namespace

Result<std::unique_ptr<KvmSystem>> open_kvm(const std::string& device) {
  FileDescriptor fd(::open(device.c_str(), O_RDWR | O_CLOEXEC));
  if (!fd.valid())
    return make_error("cannot open " + device + ": " + std::generic_category().message(errno));
  int version = VMM_TRY(kvm_ioctl(fd.get(), KVM_GET_API_VERSION, "KVM_GET_API_VERSION"));
  if (version != kExpectedApiVersion)
    return make_error(device + ": KVM API version " + std::to_string(version) + ", expected " +
                      std::to_string(kExpectedApiVersion));
  int mmap_size = VMM_TRY(kvm_ioctl(fd.get(), KVM_GET_VCPU_MMAP_SIZE, "KVM_GET_VCPU_MMAP_SIZE"));
  if (mmap_size < static_cast<int>(sizeof(kvm_run)))
    return make_error("KVM_GET_VCPU_MMAP_SIZE returned " + std::to_string(mmap_size) +
                      ", smaller than struct kvm_run");
  return std::unique_ptr<KvmSystem>(
      std::make_unique<LinuxKvmSystem>(std::move(fd), version, static_cast<size_t>(mmap_size)));
}

}  // namespace vmm
