// set_pvh_boot_registers() writes exactly the PVH entry state.
#include "vmm/cpu/pvh_boot.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "tests/unit/mock/mock_kvm.h"

namespace vmm {
namespace {

using ::testing::_;
using ::testing::DoAll;
using ::testing::HasSubstr;
using ::testing::Return;
using ::testing::SaveArg;
using testing::MockKvmVcpu;

// Roughly what KVM_GET_SREGS returns for a vCPU after reset.
kvm_sregs reset_sregs() {
  kvm_sregs s{};
  s.cs.selector = 0xf000;
  s.cs.base = 0xffff0000;
  s.cs.limit = 0xffff;
  s.cs.type = 0xb;
  s.cs.present = 1;
  s.cs.s = 1;
  s.ldt.type = 2;
  s.ldt.limit = 0xffff;
  s.ldt.present = 1;
  s.gdt.limit = 0xffff;
  s.idt.limit = 0xffff;
  s.cr0 = 0x60000010;
  s.apic_base = 0xfee00900;
  return s;
}

void expect_flat(const kvm_segment& s, uint16_t selector, uint8_t type) {
  EXPECT_EQ(s.base, 0u);
  EXPECT_EQ(s.limit, 0xffffffffu);
  EXPECT_EQ(s.selector, selector);
  EXPECT_EQ(s.type, type);
  EXPECT_EQ(s.present, 1);
  EXPECT_EQ(s.dpl, 0);
  EXPECT_EQ(s.db, 1);
  EXPECT_EQ(s.s, 1);
  EXPECT_EQ(s.l, 0);
  EXPECT_EQ(s.g, 1);
  EXPECT_EQ(s.unusable, 0);
}

class PvhBootRegisters : public ::testing::Test {
 protected:
  MockKvmVcpu vcpu{0};
  kvm_sregs sregs{};
  kvm_regs regs{};
};

TEST_F(PvhBootRegisters, SetsThePvhEntryState) {
  EXPECT_CALL(vcpu, get_sregs()).WillOnce(Return(Result<kvm_sregs>(reset_sregs())));
  EXPECT_CALL(vcpu, set_sregs(_)).WillOnce(DoAll(SaveArg<0>(&sregs), Return(ok())));
  EXPECT_CALL(vcpu, set_regs(_)).WillOnce(DoAll(SaveArg<0>(&regs), Return(ok())));

  ASSERT_TRUE(set_pvh_boot_registers(vcpu, 0x1000a0, 0x6000).ok());

  expect_flat(sregs.cs, 0x10, 0xb);  // execute/read, accessed
  for (const kvm_segment* data : {&sregs.ds, &sregs.es, &sregs.ss, &sregs.fs, &sregs.gs})
    expect_flat(*data, 0x18, 0x3);   // read/write, accessed
  EXPECT_EQ(sregs.tr.type, 11);      // busy 32-bit TSS
  EXPECT_EQ(sregs.tr.base, 0u);
  EXPECT_EQ(sregs.tr.limit, 0x67u);
  EXPECT_EQ(sregs.tr.present, 1);
  EXPECT_EQ(sregs.tr.s, 0);
  EXPECT_EQ(sregs.cr0, 0x11u);  // PE | ET: paging off, caches on
  EXPECT_EQ(sregs.cr4, 0u);
  EXPECT_EQ(sregs.efer, 0u);
  // What KVM reset and PVH leaves unspecified is kept.
  const kvm_sregs reset = reset_sregs();
  EXPECT_EQ(sregs.apic_base, reset.apic_base);
  EXPECT_EQ(sregs.ldt.type, reset.ldt.type);
  EXPECT_EQ(sregs.gdt.limit, reset.gdt.limit);
  EXPECT_EQ(sregs.cr3, 0u);

  kvm_regs expected{};
  expected.rip = 0x1000a0;
  expected.rbx = 0x6000;
  expected.rflags = 0x2;
  EXPECT_EQ(std::memcmp(&regs, &expected, sizeof(regs)), 0) << "every other GPR is 0";
}

TEST_F(PvhBootRegisters, GetSregsErrorStopsAndIsNamed) {
  EXPECT_CALL(vcpu, get_sregs())
      .WillOnce(Return(Result<kvm_sregs>(make_error("KVM_GET_SREGS failed: Bad address"))));
  EXPECT_CALL(vcpu, set_sregs(_)).Times(0);
  EXPECT_CALL(vcpu, set_regs(_)).Times(0);
  auto result = set_pvh_boot_registers(vcpu, 0x100000, 0x6000);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error().message, HasSubstr("get_sregs"));
  EXPECT_THAT(result.error().message, HasSubstr("KVM_GET_SREGS failed: Bad address"));
}

TEST_F(PvhBootRegisters, SetSregsErrorStopsAndIsNamed) {
  EXPECT_CALL(vcpu, get_sregs()).WillOnce(Return(Result<kvm_sregs>(reset_sregs())));
  EXPECT_CALL(vcpu, set_sregs(_)).WillOnce(Return(Result<void>(make_error("boom"))));
  EXPECT_CALL(vcpu, set_regs(_)).Times(0);
  auto result = set_pvh_boot_registers(vcpu, 0x100000, 0x6000);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "PVH boot registers: set_sregs: boom");
}

TEST_F(PvhBootRegisters, SetRegsErrorIsNamed) {
  EXPECT_CALL(vcpu, get_sregs()).WillOnce(Return(Result<kvm_sregs>(reset_sregs())));
  EXPECT_CALL(vcpu, set_sregs(_)).WillOnce(Return(ok()));
  EXPECT_CALL(vcpu, set_regs(_)).WillOnce(Return(Result<void>(make_error("boom"))));
  auto result = set_pvh_boot_registers(vcpu, 0x100000, 0x6000);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "PVH boot registers: set_regs: boom");
}

}  // namespace
}  // namespace vmm
