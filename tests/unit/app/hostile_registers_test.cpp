// virtio-mmio registers written out of order by a hostile driver (issue 8,
// case 6), against the whole VMM. What the transport does, per violation:
//  - a status write that skips a step of virtio 1.2 §3.1.1 (DRIVER before
//    ACKNOWLEDGE, FEATURES_OK before DRIVER, DRIVER_OK before FEATURES_OK,
//    DRIVER_OK after FAILED) or clears a bit (§2.1.1) is refused: Status
//    reads back without it, and the refusal is logged once;
//  - FEATURES_OK with features the device does not offer, or without
//    VERSION_1, is not kept (§2.2.2);
//  - DriverFeatures after FEATURES_OK, and queue registers outside queue
//    set-up or of a live queue, are ignored (logged once);
// so the device never runs on what the driver got wrong. None of these
// flags DEVICE_NEEDS_RESET: that is for broken queues (the other hostile
// tests). The VM and its other devices carry on.
#include <gtest/gtest.h>

#include <cstring>

#include "tests/unit/app/hostile_vm_rig.h"
#include "tests/unit/shmem/captured_log.h"
#include "virtio/spec.h"

namespace vmm::testing {
namespace {

using namespace virtio;
using namespace virtio::mmio;

constexpr uint32_t kAck = kStatusAcknowledge;
constexpr uint32_t kDriver = kStatusDriver;
constexpr uint32_t kFeaturesOk = kStatusFeaturesOk;
constexpr uint32_t kDriverOk = kStatusDriverOk;

class HostileRegistersTest : public HostileGuestTest {
 protected:
  // A chain on the transmit ring and its notification; then waits until the
  // device thread has seen it. True when the device took the chain.
  bool post_frame_and_sync(GuestVirtioDriver& driver, GuestRing& tx) {
    tx.set_descriptor(0, {kBufferGpa, kHeaderBytes + 60, 0, 0});
    tx.make_available(0);
    driver.notify(1);
    EXPECT_TRUE(device_thread_caught_up());
    return tx.used_idx() != 0;
  }

  void expect_vm_ended_with_nothing_sent(const VmStats& stats) {
    EXPECT_EQ(stats.exit_status, (6 << 1) | 1) << stats.stop_reason;
    EXPECT_EQ(counter(stats, "tx_frames"), 0u);
    EXPECT_EQ(counter(stats, "needs_reset"), 0u);
    EXPECT_EQ(frames_sent(), 0u);
  }
};

TEST_F(HostileRegistersTest, StatusStepsOutOfOrderAreRefusedAndLoggedOnceHoweverOftenRepeated) {
  CapturedLog log;
  create_vm();
  VmStats stats = run([&](ScriptedVcpu& vcpu) {
    GuestVirtioDriver driver(vcpu);
    GuestRing rx = fresh_ring(0), tx = fresh_ring(1);
    driver.write(kRegStatus, kDriver);  // before ACKNOWLEDGE
    EXPECT_EQ(driver.status(), 0u);
    driver.write(kRegStatus, kAck | kFeaturesOk);  // before DRIVER
    EXPECT_EQ(driver.status(), 0u);
    driver.write(kRegStatus, kAck);
    driver.write(kRegStatus, kAck | kDriver);
    driver.write(kRegDriverFeaturesSel, 1);
    driver.write(kRegDriverFeatures, 1);  // VERSION_1
    // Queues before FEATURES_OK: ignored, the queue stays disabled.
    driver.set_up_queue(0, rx.layout());
    driver.set_up_queue(1, tx.layout());
    EXPECT_EQ(driver.read(kRegQueueReady), 0u);
    // DRIVER_OK before FEATURES_OK, a thousand times over.
    vcpu.burst(1000, [](kvm_run& run, uint64_t) {
      run.exit_reason = KVM_EXIT_MMIO;
      run.mmio.phys_addr = platform::kVirtioMmioBase + kRegStatus;
      run.mmio.len = 4;
      run.mmio.is_write = 1;
      uint32_t value = kAck | kDriver | kDriverOk;
      std::memcpy(run.mmio.data, &value, 4);
    });
    EXPECT_EQ(driver.status(), kAck | kDriver);
    EXPECT_FALSE(post_frame_and_sync(driver, tx));
    expect_other_devices_work(vcpu);
    vcpu.debug_exit(6);
  });
  expect_vm_ended_with_nothing_sent(stats);
  EXPECT_EQ(log.count("DRIVER before ACKNOWLEDGE"), 1u) << log.all();
  EXPECT_EQ(log.count("FEATURES_OK before DRIVER"), 1u) << log.all();
  EXPECT_EQ(log.count("DRIVER_OK before FEATURES_OK"), 1u) << log.all();
}

TEST_F(HostileRegistersTest, AFailedFeatureNegotiationLeavesEveryLaterStepIgnored) {
  create_vm();
  VmStats stats = run([&](ScriptedVcpu& vcpu) {
    GuestVirtioDriver driver(vcpu);
    GuestRing rx = fresh_ring(0), tx = fresh_ring(1);
    // Without VERSION_1; then with a feature not offered (VIRTIO_NET_F_CSUM);
    // then with a bit beyond the 64 this device knows.
    EXPECT_FALSE(driver.negotiate(feature(5)));
    ASSERT_TRUE(driver.reset());
    EXPECT_FALSE(driver.negotiate(kFeatureVersion1 | feature(0)));
    ASSERT_TRUE(driver.reset());
    driver.write(kRegStatus, kAck);
    driver.write(kRegStatus, kAck | kDriver);
    driver.write(kRegDriverFeaturesSel, 1);
    driver.write(kRegDriverFeatures, 1);
    driver.write(kRegDriverFeaturesSel, 2);
    driver.write(kRegDriverFeatures, 1);
    driver.write(kRegStatus, kAck | kDriver | kFeaturesOk);
    EXPECT_EQ(driver.status(), kAck | kDriver);
    // The driver ignores the refusal and goes on.
    driver.set_up_queue(0, rx.layout());
    driver.set_up_queue(1, tx.layout());
    EXPECT_EQ(driver.read(kRegQueueReady), 0u);
    driver.write(kRegStatus, kAck | kDriver | kFeaturesOk | kDriverOk);
    EXPECT_EQ(driver.status(), kAck | kDriver);
    EXPECT_FALSE(post_frame_and_sync(driver, tx));
    expect_other_devices_work(vcpu);
    vcpu.debug_exit(6);
  });
  expect_vm_ended_with_nothing_sent(stats);
}

TEST_F(HostileRegistersTest, AfterFailedTheDeviceNeverStarts) {
  create_vm();
  VmStats stats = run([&](ScriptedVcpu& vcpu) {
    GuestVirtioDriver driver(vcpu);
    GuestRing rx = fresh_ring(0), tx = fresh_ring(1);
    ASSERT_TRUE(driver.negotiate(kFeatureVersion1));
    driver.set_status_bits(kStatusFailed);
    // Writes after FAILED: queue set-up, DRIVER_OK alone, DRIVER_OK with
    // FAILED cleared (clearing a bit is refused too).
    driver.set_up_queue(0, rx.layout());
    driver.set_up_queue(1, tx.layout());
    driver.set_status_bits(kDriverOk);
    driver.write(kRegStatus, kAck | kDriver | kFeaturesOk | kDriverOk);
    EXPECT_EQ(driver.status(), kAck | kDriver | kFeaturesOk | kStatusFailed);
    EXPECT_FALSE(post_frame_and_sync(driver, tx));
    expect_other_devices_work(vcpu);
    vcpu.debug_exit(6);
  });
  expect_vm_ended_with_nothing_sent(stats);
}

// The features are the ones the device accepted at FEATURES_OK: a later
// DriverFeatures write adding VIRTIO_F_INDIRECT_DESC does not let an
// indirect chain through.
TEST_F(HostileRegistersTest, DriverFeaturesWrittenAfterFeaturesOkDoNotTakeEffect) {
  create_vm();
  uint32_t final_status = 0;
  VmStats stats = run([&](ScriptedVcpu& vcpu) {
    GuestVirtioDriver driver(vcpu);
    GuestRing rx = fresh_ring(0), tx = fresh_ring(1);
    ASSERT_TRUE(driver.negotiate(kFeatureVersion1));
    driver.write(kRegDriverFeaturesSel, 0);
    driver.write(kRegDriverFeatures, static_cast<uint32_t>(kFeatureIndirectDesc));
    driver.set_up_queue(0, rx.layout());
    driver.set_up_queue(1, tx.layout());
    driver.set_status_bits(kDriverOk);
    ram().put(kScratchGpa, VirtqDesc{kBufferGpa, kHeaderBytes + 60, 0, 0});
    tx.set_descriptor(0, {kScratchGpa, 16, kDescIndirect, 0});
    EXPECT_TRUE(post_and_expect_needs_reset(driver, tx, 1, 0));
    expect_other_devices_work(vcpu);
    final_status = driver.status();
    vcpu.debug_exit(6);
  });
  EXPECT_EQ(stats.exit_status, (6 << 1) | 1) << stats.stop_reason;
  EXPECT_TRUE(final_status & kStatusDeviceNeedsReset);
  EXPECT_EQ(counter(stats, "needs_reset"), 1u);
  EXPECT_EQ(frames_sent(), 0u);
}

// A live queue cannot be moved, resized or disabled behind the device's
// back (virtio 1.2 §4.2.3.2 sets a queue up before DRIVER_OK); bits the
// driver clears stay set; notifications and registers of queues that do
// not exist, accesses of the wrong width, and writes to read-only
// registers are ignored. The device goes on sending on its real rings.
TEST_F(HostileRegistersTest, RewritingALiveDeviceDoesNotDisturbIt) {
  create_vm();
  uint32_t final_status = 0;
  VmStats stats = run([&](ScriptedVcpu& vcpu) {
    GuestVirtioDriver driver(vcpu);
    GuestRing rx = fresh_ring(0), tx = fresh_ring(1);
    bring_up(driver, rx, tx, kFeatureVersion1);
    ASSERT_TRUE(send_frame(driver, tx, 1));
    driver.write(kRegQueueSel, 1);
    driver.write(kRegQueueDescLow, static_cast<uint32_t>(kRamBytes));
    driver.write(kRegQueueNum, 3);
    driver.write(kRegQueueReady, 0);
    driver.write(kRegStatus, kAck);  // clears bits
    driver.write(kRegQueueNotify, 2);
    driver.write(kRegQueueNotify, 0xffff);
    driver.write(kRegQueueSel, 2);
    EXPECT_EQ(driver.read(kRegQueueNumMax), 0u);
    driver.write(kRegQueueNum, 256);
    driver.write(kRegQueueReady, 1);
    driver.write(kRegMagicValue, 0);
    driver.write(kRegDeviceId, 0);
    driver.read(kRegQueueNotify);  // write-only
    vcpu.burst(2, [](kvm_run& run, uint64_t i) {  // 1 and 2 bytes wide
      run.exit_reason = KVM_EXIT_MMIO;
      run.mmio.phys_addr = platform::kVirtioMmioBase + kRegStatus;
      run.mmio.len = static_cast<uint32_t>(i + 1);
      run.mmio.is_write = 1;
      std::memset(run.mmio.data, 0, sizeof run.mmio.data);
    });
    driver.write(kRegConfig, 0xffffffff);  // the MAC is read-only
    EXPECT_EQ(driver.read(kRegMagicValue), kMagic);
    EXPECT_EQ(driver.read(kRegConfig) & 0xffffff, 0x005452u);  // 52:54:00
    ASSERT_TRUE(send_frame(driver, tx, 2));
    expect_other_devices_work(vcpu);
    final_status = driver.status();
    vcpu.debug_exit(6);
  });
  EXPECT_EQ(stats.exit_status, (6 << 1) | 1) << stats.stop_reason;
  EXPECT_EQ(final_status, kAck | kDriver | kFeaturesOk | kDriverOk);
  EXPECT_EQ(counter(stats, "needs_reset"), 0u);
  EXPECT_EQ(counter(stats, "tx_frames"), 2u);
  EXPECT_EQ(frames_sent(), 2u);
}

// QueueReady written before the ring addresses would make the queue live
// with all three rings at guest-physical 0, on top of each other: the
// layout check refuses overlapping rings (virtio/queue/queue_layout.cpp),
// so the device reports DEVICE_NEEDS_RESET instead of running on rings the
// driver never set up.
TEST_F(HostileRegistersTest, QueueReadyBeforeTheRingAddressesIsReported) {
  create_vm();
  uint32_t status_after_ready = 0;
  VmStats stats = run([&](ScriptedVcpu& vcpu) {
    GuestVirtioDriver driver(vcpu);
    GuestRing rx = fresh_ring(0), tx = fresh_ring(1);
    ASSERT_TRUE(driver.negotiate(kFeatureVersion1));
    driver.set_up_queue(0, rx.layout());
    driver.write(kRegQueueSel, 1);
    driver.write(kRegQueueNum, 256);
    driver.write(kRegQueueReady, 1);
    driver.write(kRegQueueDescLow, static_cast<uint32_t>(tx.layout().desc_gpa));
    driver.write(kRegQueueDriverLow, static_cast<uint32_t>(tx.layout().avail_gpa));
    driver.write(kRegQueueDeviceLow, static_cast<uint32_t>(tx.layout().used_gpa));
    status_after_ready = driver.status();
    expect_other_devices_work(vcpu);
    vcpu.debug_exit(6);
  });
  EXPECT_EQ(stats.exit_status, (6 << 1) | 1) << stats.stop_reason;
  EXPECT_TRUE(status_after_ready & kStatusDeviceNeedsReset);
  EXPECT_EQ(counter(stats, "needs_reset"), 1u);
}

}  // namespace
}  // namespace vmm::testing
