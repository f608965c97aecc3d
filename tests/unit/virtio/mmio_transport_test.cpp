// The virtio-mmio transport against a recording device: registers, feature
// negotiation, the status state machine (in and out of order), queue set-up,
// reset, interrupts and config generation. Device work is posted to an
// io_context that the test runs by hand, as the device thread would.
#include "virtio/mmio/mmio_transport.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "tests/unit/virtio/fake_device.h"
#include "tests/unit/virtio/fake_driver_queue.h"
#include "virtio/spec.h"

namespace vmm::virtio {
namespace {

using namespace mmio;
using testing::CountingTrigger;
using testing::FakeDriverQueue;
using testing::RecordingDevice;

constexpr uint64_t kVersion1 = kFeatureVersion1;

class MmioTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto memory = GuestMemory::create(4 << 20);
    ASSERT_TRUE(memory.ok());
    memory_ = std::make_unique<GuestMemory>(std::move(*memory));
    transport_ = std::make_unique<MmioTransport>(
        MmioTransportDeps{device_, *memory_, context_, trigger_, "virtio-test0"});
  }

  uint32_t read32(uint64_t offset) {
    uint32_t value = 0xdeadbeef;
    transport_->read(BusAccess{offset, 0}, std::span(reinterpret_cast<uint8_t*>(&value), 4));
    return value;
  }
  void write32(uint64_t offset, uint32_t value) {
    transport_->write(BusAccess{offset, 0}, std::span(reinterpret_cast<const uint8_t*>(&value), 4));
  }
  // Runs what the transport posted to the device thread.
  void run_device_thread() {
    context_.restart();
    context_.poll();
  }

  void acknowledge_and_offer(uint64_t driver_features) {
    write32(kRegStatus, kStatusAcknowledge);
    write32(kRegStatus, kStatusAcknowledge | kStatusDriver);
    write32(kRegDriverFeaturesSel, 0);
    write32(kRegDriverFeatures, static_cast<uint32_t>(driver_features));
    write32(kRegDriverFeaturesSel, 1);
    write32(kRegDriverFeatures, static_cast<uint32_t>(driver_features >> 32));
    write32(kRegStatus, kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk);
  }
  void set_up_queue(uint16_t index, const QueueLayout& layout) {
    write32(kRegQueueSel, index);
    write32(kRegQueueNum, layout.size);
    write32(kRegQueueDescLow, static_cast<uint32_t>(layout.desc_gpa));
    write32(kRegQueueDescHigh, static_cast<uint32_t>(layout.desc_gpa >> 32));
    write32(kRegQueueDriverLow, static_cast<uint32_t>(layout.avail_gpa));
    write32(kRegQueueDriverHigh, 0);
    write32(kRegQueueDeviceLow, static_cast<uint32_t>(layout.used_gpa));
    write32(kRegQueueDeviceHigh, 0);
    write32(kRegQueueReady, 1);
  }
  static constexpr uint32_t kAllSteps =
      kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk | kStatusDriverOk;
  void bring_up() {
    acknowledge_and_offer(kVersion1 | feature(5));
    set_up_queue(0, FakeDriverQueue(*memory_, 64, 0x10000).layout());
    set_up_queue(1, FakeDriverQueue(*memory_, 64, 0x20000).layout());
    write32(kRegStatus, kAllSteps);
    run_device_thread();
  }

  boost::asio::io_context context_;
  std::unique_ptr<GuestMemory> memory_;
  RecordingDevice device_;
  CountingTrigger trigger_;
  std::unique_ptr<MmioTransport> transport_;
};

TEST_F(MmioTransportTest, IdentifiesAsAVersion2Device) {
  EXPECT_EQ(read32(kRegMagicValue), 0x74726976u);
  EXPECT_EQ(read32(kRegVersion), 2u);
  EXPECT_EQ(read32(kRegDeviceId), 1u);
  EXPECT_EQ(read32(kRegVendorId), kVendorId);
  EXPECT_EQ(read32(kRegStatus), 0u);
  EXPECT_EQ(read32(kRegShmLenLow), 0xffffffffu);  // no shared memory regions
}

TEST_F(MmioTransportTest, DeviceFeaturesAreOfferedInTwoWordsWithVersion1) {
  uint64_t offered = RecordingDevice::kFeatures | kVersion1;
  write32(kRegDeviceFeaturesSel, 0);
  EXPECT_EQ(read32(kRegDeviceFeatures), static_cast<uint32_t>(offered));
  write32(kRegDeviceFeaturesSel, 1);
  EXPECT_EQ(read32(kRegDeviceFeatures), static_cast<uint32_t>(offered >> 32));
  write32(kRegDeviceFeaturesSel, 2);
  EXPECT_EQ(read32(kRegDeviceFeatures), 0u);
}

TEST_F(MmioTransportTest, AcceptedFeaturesKeepFeaturesOk) {
  acknowledge_and_offer(kVersion1 | feature(5));
  EXPECT_EQ(read32(kRegStatus), kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk);
}

TEST_F(MmioTransportTest, FeaturesOkWithoutVersion1IsRefused) {
  acknowledge_and_offer(feature(5));
  EXPECT_EQ(read32(kRegStatus), kStatusAcknowledge | kStatusDriver);
}

TEST_F(MmioTransportTest, FeaturesOkWithAFeatureNotOfferedIsRefused) {
  acknowledge_and_offer(kVersion1 | feature(6));
  EXPECT_EQ(read32(kRegStatus), kStatusAcknowledge | kStatusDriver);
}

TEST_F(MmioTransportTest, FeaturesInAThirdWordAreRefused) {
  write32(kRegStatus, kStatusAcknowledge);
  write32(kRegStatus, kStatusAcknowledge | kStatusDriver);
  write32(kRegDriverFeaturesSel, 1);
  write32(kRegDriverFeatures, 1);  // VIRTIO_F_VERSION_1
  write32(kRegDriverFeaturesSel, 2);
  write32(kRegDriverFeatures, 1);  // nothing is offered there
  write32(kRegStatus, kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk);
  EXPECT_EQ(read32(kRegStatus), kStatusAcknowledge | kStatusDriver);
}

TEST_F(MmioTransportTest, QueueSetUpAndDriverOkActivateOnTheDeviceThread) {
  acknowledge_and_offer(kVersion1 | feature(5));
  write32(kRegQueueSel, 1);
  EXPECT_EQ(read32(kRegQueueNumMax), 256u);
  EXPECT_EQ(read32(kRegQueueReady), 0u);
  set_up_queue(1, FakeDriverQueue(*memory_, 64, 0x20000).layout());
  EXPECT_EQ(read32(kRegQueueReady), 1u);
  write32(kRegStatus, kAllSteps);
  EXPECT_EQ(read32(kRegStatus), kAllSteps);
  EXPECT_EQ(device_.activations, 0);  // not on the vCPU thread
  run_device_thread();
  ASSERT_EQ(device_.activations, 1);
  EXPECT_EQ(device_.features, kVersion1 | feature(5));
  EXPECT_EQ(device_.queues_present, (std::vector<bool>{false, true}));
}

TEST_F(MmioTransportTest, MissingQueueReportsNumMaxZero) {
  write32(kRegQueueSel, 2);
  EXPECT_EQ(read32(kRegQueueNumMax), 0u);
}

TEST_F(MmioTransportTest, BadQueueSizeSetsNeedsResetWithAConfigInterrupt) {
  acknowledge_and_offer(kVersion1);
  QueueLayout layout = FakeDriverQueue(*memory_, 64, 0x10000).layout();
  layout.size = 48;  // not a power of 2
  set_up_queue(0, layout);
  EXPECT_EQ(read32(kRegQueueReady), 0u);
  EXPECT_TRUE(read32(kRegStatus) & kStatusDeviceNeedsReset);
  EXPECT_EQ(read32(kRegInterruptStatus), kInterruptConfigChange);
  EXPECT_EQ(trigger_.count, 1);
  write32(kRegStatus, read32(kRegStatus) | kStatusDriverOk);  // refused now
  EXPECT_FALSE(read32(kRegStatus) & kStatusDriverOk);
  EXPECT_EQ(transport_->counters().needs_reset, 1u);
}

TEST_F(MmioTransportTest, QueueSizeZeroAndRingsOutsideMemorySetNeedsReset) {
  acknowledge_and_offer(kVersion1);
  QueueLayout layout = FakeDriverQueue(*memory_, 64, 0x10000).layout();
  layout.size = 0;
  set_up_queue(0, layout);
  EXPECT_TRUE(read32(kRegStatus) & kStatusDeviceNeedsReset);
  write32(kRegStatus, 0);
  run_device_thread();
  acknowledge_and_offer(kVersion1);
  layout = FakeDriverQueue(*memory_, 64, 0x10000).layout();
  layout.used_gpa = 0xfec00000;
  set_up_queue(0, layout);
  EXPECT_TRUE(read32(kRegStatus) & kStatusDeviceNeedsReset);
}

TEST_F(MmioTransportTest, ResetCompletesOnTheDeviceThreadAndZeroesEverything) {
  bring_up();
  device_.signals->notify_used_buffers();
  write32(kRegDeviceFeaturesSel, 1);
  write32(kRegStatus, 0);
  // Until the device has dropped its queues, Status reads the old value
  // (virtio 1.2 §2.4: the driver waits for 0).
  EXPECT_EQ(read32(kRegStatus), kAllSteps);
  run_device_thread();
  EXPECT_EQ(device_.resets, 1);
  EXPECT_EQ(read32(kRegStatus), 0u);
  EXPECT_EQ(read32(kRegInterruptStatus), 0u);
  EXPECT_EQ(read32(kRegDeviceFeatures), static_cast<uint32_t>(RecordingDevice::kFeatures));  // sel 0
  write32(kRegQueueSel, 0);
  EXPECT_EQ(read32(kRegQueueReady), 0u);
  // Features were forgotten: FEATURES_OK needs them written again.
  write32(kRegStatus, kStatusAcknowledge);
  write32(kRegStatus, kStatusAcknowledge | kStatusDriver);
  write32(kRegStatus, kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk);
  EXPECT_FALSE(read32(kRegStatus) & kStatusFeaturesOk);
}

TEST_F(MmioTransportTest, ResetClearsNeedsReset) {
  acknowledge_and_offer(kVersion1);
  write32(kRegQueueSel, 0);
  write32(kRegQueueNum, 3);
  write32(kRegQueueReady, 1);
  ASSERT_TRUE(read32(kRegStatus) & kStatusDeviceNeedsReset);
  write32(kRegStatus, 0);
  run_device_thread();
  EXPECT_EQ(read32(kRegStatus), 0u);
  bring_up();
  EXPECT_EQ(read32(kRegStatus), kAllSteps);
}

TEST_F(MmioTransportTest, OutOfOrderStatusWritesAreRefused) {
  write32(kRegStatus, kStatusDriver);  // DRIVER before ACKNOWLEDGE
  EXPECT_EQ(read32(kRegStatus), 0u);
  write32(kRegStatus, kStatusAcknowledge);
  write32(kRegStatus, kStatusAcknowledge | kStatusDriverOk);  // DRIVER_OK before FEATURES_OK
  EXPECT_EQ(read32(kRegStatus), kStatusAcknowledge);
  write32(kRegStatus, kStatusAcknowledge | kStatusFeaturesOk);  // FEATURES_OK before DRIVER
  EXPECT_EQ(read32(kRegStatus), kStatusAcknowledge);
  write32(kRegStatus, kStatusAcknowledge | kStatusDriver);
  write32(kRegStatus, kStatusDriver);  // clears ACKNOWLEDGE
  EXPECT_EQ(read32(kRegStatus), kStatusAcknowledge | kStatusDriver);
  run_device_thread();
  EXPECT_EQ(device_.activations, 0);
}

TEST_F(MmioTransportTest, WritesOutsideTheirStepAreIgnored) {
  // Queue registers before FEATURES_OK.
  write32(kRegStatus, kStatusAcknowledge);
  set_up_queue(0, FakeDriverQueue(*memory_, 64, 0x10000).layout());
  EXPECT_EQ(read32(kRegQueueReady), 0u);
  // Driver features after FEATURES_OK.
  acknowledge_and_offer(kVersion1);
  write32(kRegDriverFeaturesSel, 0);
  write32(kRegDriverFeatures, 0xffffffff);
  set_up_queue(0, FakeDriverQueue(*memory_, 64, 0x10000).layout());
  write32(kRegStatus, kAllSteps);
  run_device_thread();
  ASSERT_EQ(device_.activations, 1);
  EXPECT_EQ(device_.features, kVersion1);
  // Queue registers after DRIVER_OK.
  write32(kRegQueueSel, 1);
  write32(kRegQueueNum, 64);
  write32(kRegQueueReady, 1);
  EXPECT_EQ(read32(kRegQueueReady), 0u);
}

TEST_F(MmioTransportTest, FailedStopsTheDeviceFromStarting) {
  acknowledge_and_offer(kVersion1);
  write32(kRegStatus, read32(kRegStatus) | kStatusFailed);
  write32(kRegStatus, read32(kRegStatus) | kStatusDriverOk);
  EXPECT_FALSE(read32(kRegStatus) & kStatusDriverOk);
}

TEST_F(MmioTransportTest, ControlRegistersNeed32BitAlignedAccess) {
  uint16_t half = 0xabcd;
  transport_->read(BusAccess{kRegMagicValue, 0}, std::span(reinterpret_cast<uint8_t*>(&half), 2));
  EXPECT_EQ(half, 0);
  write32(kRegStatus, kStatusAcknowledge);
  uint8_t byte = 0;
  transport_->write(BusAccess{kRegStatus, 0}, std::span(&byte, 1));  // would be a reset
  EXPECT_EQ(read32(kRegStatus), kStatusAcknowledge);
  EXPECT_EQ(read32(kRegQueueNotify), 0u);  // write-only register
}

TEST_F(MmioTransportTest, ConfigSpaceIsTheDevicesAtNaturalAlignment) {
  uint8_t byte = 0;
  transport_->read(BusAccess{kRegConfig + 2, 0}, std::span(&byte, 1));
  EXPECT_EQ(byte, 'C');
  uint16_t half = 0;
  transport_->read(BusAccess{kRegConfig + 4, 0}, std::span(reinterpret_cast<uint8_t*>(&half), 2));
  EXPECT_EQ(half, 'E' | ('F' << 8));
  transport_->read(BusAccess{kRegConfig + 3, 0}, std::span(reinterpret_cast<uint8_t*>(&half), 2));
  EXPECT_EQ(half, 0);  // misaligned
  EXPECT_EQ(read32(kRegConfig), uint32_t('A' | 'B' << 8 | 'C' << 16 | 'D' << 24));
}

TEST_F(MmioTransportTest, ConfigChangeMovesGenerationAndInterrupts) {
  bring_up();
  uint32_t generation = read32(kRegConfigGeneration);
  device_.signals->notify_config_changed();
  EXPECT_EQ(read32(kRegConfigGeneration), generation + 1);
  EXPECT_EQ(read32(kRegInterruptStatus), kInterruptConfigChange);
  EXPECT_EQ(trigger_.count, 1);
  write32(kRegInterruptAck, kInterruptConfigChange);
  EXPECT_EQ(read32(kRegInterruptStatus), 0u);
}

TEST_F(MmioTransportTest, UsedBufferInterruptSetsStatusBitUntilAcknowledged) {
  bring_up();
  device_.signals->notify_used_buffers();
  device_.signals->notify_used_buffers();
  EXPECT_EQ(trigger_.count, 2);
  EXPECT_EQ(read32(kRegInterruptStatus), kInterruptUsedBuffer);
  write32(kRegInterruptAck, kInterruptUsedBuffer);
  EXPECT_EQ(read32(kRegInterruptStatus), 0u);
  EXPECT_EQ(transport_->counters().interrupts, 2u);
}

TEST_F(MmioTransportTest, DeviceReportedErrorSetsNeedsReset) {
  bring_up();
  device_.signals->device_needs_reset("chain 3: a loop");
  EXPECT_EQ(read32(kRegStatus), kAllSteps | kStatusDeviceNeedsReset);
  EXPECT_EQ(read32(kRegInterruptStatus), kInterruptConfigChange);
  // A driver writing the status back (read-modify-write) does not clear it.
  write32(kRegStatus, kAllSteps);
  EXPECT_TRUE(read32(kRegStatus) & kStatusDeviceNeedsReset);
}

TEST_F(MmioTransportTest, QueueNotifyIsHandedToTheDeviceThread) {
  bring_up();
  write32(kRegQueueNotify, 1);
  write32(kRegQueueNotify, 7);  // no such queue: counted, not passed on
  EXPECT_TRUE(device_.notified.empty());
  run_device_thread();
  EXPECT_EQ(device_.notified, (std::vector<uint16_t>{1}));
  EXPECT_EQ(transport_->counters().notifications, 2u);
}

TEST_F(MmioTransportTest, EventfdNotificationsCountEveryKickAndWakeEveryQueue) {
  bring_up();
  transport_->notified_through_eventfd(3);
  EXPECT_EQ(device_.notified, (std::vector<uint16_t>{0, 1}));
  EXPECT_EQ(transport_->counters().notifications, 3u);
}

}  // namespace
}  // namespace vmm::virtio
