#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>

#include "devices/debug_exit.h"
#include "tests/unit/mock/mock_kvm.h"
#include "tests/unit/vcpu/recording_device.h"
#include "hv/core/exit_status.h"
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

// A guest RIP in the guest kernel's net::Tcp::send, as the guest image names it.
constexpr uint64_t kFailingRip = 0xffffffff80101234;

TEST_F(LoopFixture, EmulationFailureReportsInstructionBytesAndFunctionBesideRegisters) {
  EXPECT_CALL(vcpu, run()).WillOnce(Invoke([this]() -> Result<void> {
    kvm_run* run = vcpu.run_area();
    run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
    run->emulation_failure.suberror = KVM_INTERNAL_ERROR_EMULATION;
    run->emulation_failure.ndata = 3;
    run->emulation_failure.flags = KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES;
    run->emulation_failure.insn_size = 4;
    const uint8_t cmpxchg16b[] = {0xf0, 0x48, 0x0f, 0xc7};  // lock cmpxchg16b, as far as KVM fetched
    std::memcpy(run->emulation_failure.insn_bytes, cmpxchg16b, sizeof cmpxchg16b);
    return ok();
  }));
  kvm_regs regs{};
  regs.rip = kFailingRip;
  EXPECT_CALL(vcpu, get_regs()).WillRepeatedly(Return(Result<kvm_regs>(regs)));
  EXPECT_CALL(vcpu, get_sregs()).WillOnce(Return(Result<kvm_sregs>(kvm_sregs{})));
  deps.symbolize = [](uint64_t rip) { return rip == kFailingRip ? std::string("net::Tcp::send+0x24") : std::string(); };
  run_vcpu_loop(deps);
  EXPECT_EQ(lifecycle.exit_status(), kStatusGuestFault);
  EXPECT_EQ(lifecycle.exit_status(), 4);
  const std::string& reason = lifecycle.reason();
  EXPECT_NE(reason.find("vcpu 1: KVM internal error (KVM_EXIT_INTERNAL_ERROR), suberror 1\n"
                        "  emulation failure at 0xffffffff80101234 <net::Tcp::send+0x24>: "
                        "instruction bytes f0 48 0f c7\n"
                        "  rip=0xffffffff80101234 "),
            std::string::npos)
      << reason;
}

TEST_F(LoopFixture, EmulationFailureWithoutBytesSaysKvmGaveNone) {
  EXPECT_CALL(vcpu, run()).WillOnce(Invoke([this]() -> Result<void> {
    kvm_run* run = vcpu.run_area();
    run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
    run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
    run->internal.ndata = 0;
    return ok();
  }));
  kvm_regs regs{};
  regs.rip = kFailingRip;
  EXPECT_CALL(vcpu, get_regs()).WillRepeatedly(Return(Result<kvm_regs>(regs)));
  EXPECT_CALL(vcpu, get_sregs()).WillOnce(Return(Result<kvm_sregs>(kvm_sregs{})));
  run_vcpu_loop(deps);  // no symbolizer: a guest image without symbols
  EXPECT_EQ(lifecycle.exit_status(), kStatusGuestFault);
  EXPECT_NE(lifecycle.reason().find("\n  emulation failure at 0xffffffff80101234: bytes not given by KVM\n"),
            std::string::npos)
      << lifecycle.reason();
}

TEST_F(LoopFixture, OtherInternalErrorsShowKvmsDataWords) {
  EXPECT_CALL(vcpu, run()).WillOnce(Invoke([this]() -> Result<void> {
    kvm_run* run = vcpu.run_area();
    run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
    run->internal.suberror = KVM_INTERNAL_ERROR_DELIVERY_EV;
    run->internal.ndata = 2;
    run->internal.data[0] = 0x80000b0e;
    run->internal.data[1] = 0x30;
    return ok();
  }));
  EXPECT_CALL(vcpu, get_regs()).WillRepeatedly(Return(Result<kvm_regs>(kvm_regs{})));
  EXPECT_CALL(vcpu, get_sregs()).WillOnce(Return(Result<kvm_sregs>(kvm_sregs{})));
  run_vcpu_loop(deps);
  EXPECT_EQ(lifecycle.exit_status(), kStatusGuestFault);
  EXPECT_NE(lifecycle.reason().find("suberror 3\n  KVM internal error data: 0x80000b0e 0x30\n"), std::string::npos)
      << lifecycle.reason();
  EXPECT_EQ(lifecycle.reason().find("emulation failure"), std::string::npos);
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
