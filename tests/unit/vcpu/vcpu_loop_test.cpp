#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "devices/debug_exit.h"
#include "tests/unit/mock/mock_kvm.h"
#include "tests/unit/vcpu/recording_device.h"
#include "vmm/core/exit_status.h"
#include "vmm/vcpu/vcpu_thread.h"

namespace vmm {
namespace {

using ::testing::Invoke;
using ::testing::Return;
using testing::MockKvmVcpu;

struct LoopFixture : ::testing::Test {
  LoopFixture() { EXPECT_TRUE(pio.insert(0x501, 2, "debug-exit", debug_exit).ok()); }

  // Makes the mock's next KVM_RUN return an OUT to `port` of `value`.
  auto out_exit(uint16_t port, uint8_t value) {
    return [this, port, value]() -> Result<void> {
      kvm_run* run = vcpu.run_area();
      run->exit_reason = KVM_EXIT_IO;
      run->io.direction = KVM_EXIT_IO_OUT;
      run->io.port = port;
      run->io.size = 1;
      run->io.count = 1;
      run->io.data_offset = 4096;
      reinterpret_cast<uint8_t*>(run)[4096] = value;
      return ok();
    };
  }

  MockKvmVcpu vcpu{1};
  Bus pio{"pio"};
  Bus mmio{"mmio"};
  VcpuExitCounters counters;
  UnmappedAccessLog unmapped;
  VmLifecycle lifecycle;
  std::shared_ptr<DebugExit> debug_exit = std::make_shared<DebugExit>(lifecycle);
  VcpuDeps deps{vcpu, pio, mmio, counters, unmapped, lifecycle};
};

TEST_F(LoopFixture, DebugExitEndsTheLoopWithItsStatus) {
  EXPECT_CALL(vcpu, run())
      .WillOnce(Invoke(out_exit(0x80, 1)))
      .WillOnce(Invoke(out_exit(0x80, 2)))
      .WillOnce(Invoke(out_exit(0x501, 0x21)));
  run_vcpu_loop(deps);
  EXPECT_TRUE(lifecycle.stopping());
  EXPECT_EQ(lifecycle.exit_status(), debug_exit_status(0x21));
  EXPECT_EQ(lifecycle.exit_status(), 0x43);
  EXPECT_EQ(counters.snapshot().total, 3u);
}

TEST_F(LoopFixture, TripleFaultReportsRegistersAndGuestFaultStatus) {
  EXPECT_CALL(vcpu, run()).WillOnce(Invoke([this]() -> Result<void> {
    vcpu.run_area()->exit_reason = KVM_EXIT_SHUTDOWN;
    return ok();
  }));
  kvm_regs regs{};
  regs.rip = 0xdeadbeef;
  EXPECT_CALL(vcpu, get_regs()).WillOnce(Return(Result<kvm_regs>(regs)));
  EXPECT_CALL(vcpu, get_sregs()).WillOnce(Return(Result<kvm_sregs>(kvm_sregs{})));
  run_vcpu_loop(deps);
  EXPECT_EQ(lifecycle.exit_status(), kStatusGuestFault);
  EXPECT_NE(lifecycle.reason().find("vcpu 1: triple fault"), std::string::npos);
  EXPECT_NE(lifecycle.reason().find("rip=0xdeadbeef"), std::string::npos);
}

TEST_F(LoopFixture, KvmRunFailureIsAVmmError) {
  EXPECT_CALL(vcpu, run()).WillOnce(Return(Result<void>(make_error("KVM_RUN: Bad address"))));
  run_vcpu_loop(deps);
  EXPECT_EQ(lifecycle.exit_status(), kStatusVmmError);
  EXPECT_NE(lifecycle.reason().find("KVM_RUN: Bad address"), std::string::npos);
}

TEST_F(LoopFixture, AStopRequestedElsewhereEndsTheLoopAfterTheKick) {
  EXPECT_CALL(vcpu, run()).WillOnce(Invoke([this]() -> Result<void> {
    lifecycle.request_stop(0, "powered off by another vcpu");
    vcpu.run_area()->exit_reason = KVM_EXIT_INTR;
    return ok();
  }));
  run_vcpu_loop(deps);
  EXPECT_EQ(lifecycle.exit_status(), 0);
}

TEST_F(LoopFixture, FirstStopWins) {
  EXPECT_TRUE(lifecycle.request_stop(3, "first"));
  EXPECT_FALSE(lifecycle.request_stop(5, "second"));
  EXPECT_EQ(lifecycle.exit_status(), 3);
  EXPECT_EQ(lifecycle.reason(), "first");
}

}  // namespace
}  // namespace vmm
