#include "bench/exits/host_flavour.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace vmm::bench {
namespace {

class FakeRoot {
 public:
  FakeRoot() {
    char dir[] = "/tmp/vmm-host-flavour-XXXXXX";
    root_ = mkdtemp(dir);
  }
  ~FakeRoot() { std::filesystem::remove_all(root_); }
  void write(const std::string& rel, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(root_ + "/" + rel).parent_path());
    std::ofstream(root_ + "/" + rel) << text;
  }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

// The capture host: kvm_pvm with pvm_native=Y and pvm_emul_batch=1024 on a
// Xeon that is itself a guest.
TEST(HostFlavour, KvmPvmWithItsParameters) {
  FakeRoot fake;
  fake.write("sys/module/kvm/parameters/halt_poll_ns", "200000\n");
  fake.write("sys/module/kvm_pvm/parameters/pvm_native", "Y\n");
  fake.write("sys/module/kvm_pvm/parameters/pvm_emul_batch", "1024\n");
  fake.write("proc/sys/kernel/osrelease", "6.18.44-fc-v1300\n");
  fake.write("proc/cpuinfo",
             "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz\n"
             "flags\t\t: fpu vme de pse tsc msr hypervisor lahf_lm\n\nprocessor\t: 1\n");
  HostFlavour host = detect_host_flavour(fake.root());
  EXPECT_EQ(host.kvm_module, "kvm_pvm");
  EXPECT_FALSE(host.nested.has_value());
  EXPECT_EQ(host.kernel, "6.18.44-fc-v1300");
  EXPECT_EQ(host.cpu_model, "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz");
  EXPECT_TRUE(host.host_is_a_guest);
  EXPECT_EQ(emulation_batch_limit(host), 1024u);
  EXPECT_EQ(describe_host(host),
            "kvm_pvm (nested ?, pvm_native=Y, pvm_emul_batch=1024), Linux 6.18.44-fc-v1300, "
            "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz (a guest itself)");
}

TEST(HostFlavour, KvmIntelNestedAndKvmAmdNot) {
  FakeRoot intel;
  intel.write("sys/module/kvm_intel/parameters/nested", "Y\n");
  intel.write("sys/module/kvm_intel/parameters/ept", "Y\n");
  intel.write("proc/cpuinfo", "model name\t: Intel(R) Core(TM) i7\nflags\t\t: fpu vmx\n");
  HostFlavour i = detect_host_flavour(intel.root());
  EXPECT_EQ(i.kvm_module, "kvm_intel");
  EXPECT_EQ(i.nested, true);
  EXPECT_FALSE(i.host_is_a_guest);
  EXPECT_FALSE(emulation_batch_limit(i));
  FakeRoot amd;
  amd.write("sys/module/kvm_amd/parameters/nested", "0\n");
  HostFlavour a = detect_host_flavour(amd.root());
  EXPECT_EQ(a.kvm_module, "kvm_amd");
  EXPECT_EQ(a.nested, false);
  EXPECT_EQ(a.cpu_model, "");
}

TEST(HostFlavour, NoKvmModule) {
  FakeRoot none;
  none.write("proc/sys/kernel/osrelease", "6.1.0\n");
  HostFlavour host = detect_host_flavour(none.root());
  EXPECT_EQ(host.kvm_module, "none");
  EXPECT_EQ(host.kernel, "6.1.0");
}

}  // namespace
}  // namespace vmm::bench
