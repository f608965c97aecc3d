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
    EXPECT_CALL(vm, set_gsi_routing(pc_gsi_routes())).WillOnce(Return(ok()));
  }
  EXPECT_CALL(vm, create_vcpu).Times(0);
  auto result = configure_vm(vm);
  EXPECT_TRUE(result.ok()) << result.error().message;
}

TEST(GsiRouting, PitReachesIoapicPinTwoAsTheMadtOverrideSays) {
  auto routes = pc_gsi_routes();
  auto route_of = [&](uint32_t gsi, uint32_t chip) -> int {
    for (const auto& r : routes)
      if (r.gsi == gsi && r.chip == chip) return static_cast<int>(r.pin);
    return -1;
  };
  EXPECT_EQ(route_of(0, KVM_IRQCHIP_IOAPIC), 2);      // PIT -> IOAPIC pin 2
  EXPECT_EQ(route_of(0, KVM_IRQCHIP_PIC_MASTER), 0);  // and 8259 IRQ 0
  EXPECT_EQ(route_of(2, KVM_IRQCHIP_IOAPIC), -1);     // GSI 2 is the cascade
  EXPECT_EQ(route_of(4, KVM_IRQCHIP_IOAPIC), 4);      // COM1
  EXPECT_EQ(route_of(4, KVM_IRQCHIP_PIC_MASTER), 4);
  EXPECT_EQ(route_of(9, KVM_IRQCHIP_PIC_SLAVE), 1);
  EXPECT_EQ(route_of(5, KVM_IRQCHIP_IOAPIC), 5);      // first virtio-mmio device
  EXPECT_EQ(route_of(23, KVM_IRQCHIP_IOAPIC), 23);
  EXPECT_EQ(route_of(23, KVM_IRQCHIP_PIC_MASTER), -1);
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
