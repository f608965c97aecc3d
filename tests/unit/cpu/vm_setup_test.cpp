// configure_vm(): the VM-wide ioctls in the order KVM requires.
#include "vmm/cpu/vm_setup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/mock/mock_kvm.h"

namespace vmm {
namespace {

using ::testing::InSequence;
using ::testing::Return;
using testing::MockKvmVm;

TEST(ConfigureVm, IssuesTheSetupInKvmOrder) {
  MockKvmVm vm;
  {
    InSequence order;
    EXPECT_CALL(vm, set_tss_addr(0xfffbd000)).WillOnce(Return(ok()));
    EXPECT_CALL(vm, set_identity_map_addr(0xfffbc000)).WillOnce(Return(ok()));
    EXPECT_CALL(vm, create_irqchip()).WillOnce(Return(ok()));
    EXPECT_CALL(vm, create_pit2()).WillOnce(Return(ok()));
  }
  EXPECT_CALL(vm, create_vcpu).Times(0);
  auto result = configure_vm(vm);
  EXPECT_TRUE(result.ok()) << result.error().message;
}

TEST(ConfigureVm, ErrorStopsTheSetupAndNamesTheStep) {
  MockKvmVm vm;
  EXPECT_CALL(vm, set_tss_addr).WillOnce(Return(ok()));
  EXPECT_CALL(vm, set_identity_map_addr).WillOnce(Return(ok()));
  EXPECT_CALL(vm, create_irqchip)
      .WillOnce(Return(Result<void>(make_error("KVM_CREATE_IRQCHIP failed: File exists"))));
  EXPECT_CALL(vm, create_pit2).Times(0);
  auto result = configure_vm(vm);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            "configure_vm: create_irqchip: KVM_CREATE_IRQCHIP failed: File exists");
}

TEST(ConfigureVm, FirstStepErrorIsNamed) {
  MockKvmVm vm;
  EXPECT_CALL(vm, set_tss_addr).WillOnce(Return(Result<void>(make_error("nope"))));
  EXPECT_CALL(vm, set_identity_map_addr).Times(0);
  EXPECT_CALL(vm, create_irqchip).Times(0);
  auto result = configure_vm(vm);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "configure_vm: set_tss_addr: nope");
}

TEST(ConfigureVm, KvmPrivatePagesAreOutsideRamAndDeviceWindows) {
  // The same facts vm_setup.h checks at compile time, stated for the reader.
  EXPECT_GE(kKvmIdentityMapGpa, platform::kLapicGpa + platform::kLapicSize);
  EXPECT_LE(kKvmTssGpa + kKvmTssSize, platform::kHighRamStart);
  EXPECT_EQ(kKvmIdentityMapGpa + kKvmIdentityMapSize, kKvmTssGpa);
}

}  // namespace
}  // namespace vmm
