// configure_vcpu(): CPUID, MSRs and FPU, in that order, through the mock.
#include "vmm/cpu/vcpu_setup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "tests/unit/mock/mock_kvm.h"
#include "vmm/cpu/msr_index.h"

namespace vmm {
namespace {

using ::testing::_;
using ::testing::DoAll;
using ::testing::InSequence;
using ::testing::Return;
using ::testing::SaveArg;
using testing::MockKvmVcpu;

std::vector<kvm_cpuid_entry2> minimal_host() {
  kvm_cpuid_entry2 leaf0{}, leaf1{};
  leaf0.eax = 0xd;
  std::memcpy(&leaf0.ebx, "Genu", 4);
  std::memcpy(&leaf0.edx, "ineI", 4);
  std::memcpy(&leaf0.ecx, "ntel", 4);
  leaf1.function = 1;
  return {leaf0, leaf1};
}

const kvm_cpuid_entry2* find(const std::vector<kvm_cpuid_entry2>& t, uint32_t leaf,
                             uint32_t sub = 0) {
  for (const auto& e : t)
    if (e.function == leaf && e.index == sub) return &e;
  return nullptr;
}

TEST(ConfigureVcpu, SetsCpuidThenMsrsThenFpu) {
  MockKvmVcpu vcpu(2);
  std::vector<kvm_cpuid_entry2> cpuid;
  std::vector<MsrValue> msrs;
  kvm_fpu fpu{};
  {
    InSequence order;
    EXPECT_CALL(vcpu, set_cpuid(_)).WillOnce(DoAll(SaveArg<0>(&cpuid), Return(ok())));
    EXPECT_CALL(vcpu, set_msrs(_)).WillOnce(DoAll(SaveArg<0>(&msrs), Return(ok())));
    EXPECT_CALL(vcpu, set_fpu(_)).WillOnce(DoAll(SaveArg<0>(&fpu), Return(ok())));
  }
  auto result = configure_vcpu(vcpu, minimal_host(), 2, 4);
  ASSERT_TRUE(result.ok()) << result.error().message;

  // The APIC ID is the vCPU id.
  EXPECT_EQ(find(cpuid, 1)->ebx >> 24, 2u);
  EXPECT_EQ(find(cpuid, 0xb, 0)->edx, 2u);

  ASSERT_EQ(msrs.size(), 2u);
  EXPECT_EQ(msrs[0].index, 0x1a0u);
  EXPECT_EQ(msrs[0].value, 0x1801u);  // fast strings, BTS and PEBS unavailable
  EXPECT_EQ(msrs[1].index, 0x2ffu);
  EXPECT_EQ(msrs[1].value, 0x806u);   // MTRRs enabled, default write-back

  EXPECT_EQ(fpu.fcw, 0x37f);
  EXPECT_EQ(fpu.mxcsr, 0x1f80u);
  EXPECT_EQ(fpu.fsw, 0);
  EXPECT_EQ(fpu.ftwx, 0);
}

TEST(ConfigureVcpu, MsrErrorStopsAndNamesVcpuAndStep) {
  MockKvmVcpu vcpu(1);
  EXPECT_CALL(vcpu, set_cpuid(_)).WillOnce(Return(ok()));
  EXPECT_CALL(vcpu, set_msrs(_))
      .WillOnce(Return(Result<void>(make_error("KVM_SET_MSRS failed: set 1 of 2 MSRs"))));
  EXPECT_CALL(vcpu, set_fpu(_)).Times(0);
  auto result = configure_vcpu(vcpu, minimal_host(), 1, 2);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "vCPU 1: set_msrs: KVM_SET_MSRS failed: set 1 of 2 MSRs");
}

TEST(ConfigureVcpu, ImpossibleTopologyTouchesNothing) {
  MockKvmVcpu vcpu(4);
  EXPECT_CALL(vcpu, set_cpuid(_)).Times(0);
  EXPECT_CALL(vcpu, set_msrs(_)).Times(0);
  EXPECT_CALL(vcpu, set_fpu(_)).Times(0);
  auto result = configure_vcpu(vcpu, minimal_host(), 4, 4);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error().message, ::testing::StartsWith("vCPU 4: CPUID:"));
}

}  // namespace
}  // namespace vmm
