#include "vmm/vcpu/exit_dispatch.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/unit/vcpu/recording_device.h"

namespace vmm {
namespace {

using testing::RecordingDevice;

class ExitDispatchTest : public ::testing::Test {
 protected:
  static constexpr size_t kAreaSize = 3 * 4096;
  static constexpr uint32_t kDataOffset = 4096;

  void SetUp() override {
    ASSERT_TRUE(pio_bus.insert(0x3f8, 8, "uart", uart).ok());
    ASSERT_TRUE(mmio_bus.insert(0xd0000000, 0x1000, "virtio-mmio-0", mmio_device).ok());
  }

  kvm_run& run() { return *reinterpret_cast<kvm_run*>(area.data()); }
  uint8_t* io_data() { return area.data() + kDataOffset; }

  void script_io(bool out, uint16_t port, uint8_t size, uint32_t count) {
    run().exit_reason = KVM_EXIT_IO;
    run().io.direction = out ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN;
    run().io.port = port;
    run().io.size = size;
    run().io.count = count;
    run().io.data_offset = kDataOffset;
  }
  void script_mmio(bool write, uint64_t addr, uint32_t len) {
    run().exit_reason = KVM_EXIT_MMIO;
    run().mmio.is_write = write;
    run().mmio.phys_addr = addr;
    run().mmio.len = len;
  }
  ExitOutcome dispatch() { return handle_exit(run(), kAreaSize, context); }

  alignas(8) std::vector<uint8_t> area = std::vector<uint8_t>(kAreaSize, 0);
  Bus pio_bus{"pio"};
  Bus mmio_bus{"mmio"};
  std::shared_ptr<RecordingDevice> uart = std::make_shared<RecordingDevice>();
  std::shared_ptr<RecordingDevice> mmio_device = std::make_shared<RecordingDevice>();
  VcpuExitCounters counters;
  UnmappedAccessLog unmapped;
  ExitContext context{pio_bus, mmio_bus, counters, unmapped, 3};
};

TEST_F(ExitDispatchTest, PioOutOfEachSizeReachesTheDevice) {
  for (uint8_t size : {1, 2, 4}) {
    uart->accesses.clear();
    script_io(true, 0x3f9, size, 1);
    for (uint8_t i = 0; i < size; ++i) io_data()[i] = static_cast<uint8_t>(0x10 + i);
    EXPECT_EQ(dispatch().action, ExitAction::kContinue);
    ASSERT_EQ(uart->accesses.size(), 1u);
    EXPECT_TRUE(uart->accesses[0].is_write);
    EXPECT_EQ(uart->accesses[0].offset, 1u);
    EXPECT_EQ(uart->accesses[0].vcpu, 3u);
    ASSERT_EQ(uart->accesses[0].bytes.size(), size);
    EXPECT_EQ(uart->accesses[0].bytes.back(), 0x10 + size - 1);
  }
  auto counts = counters.snapshot();
  EXPECT_EQ(counts.total, 3u);
  EXPECT_EQ(counts.by_reason[KVM_EXIT_IO], 3u);
  EXPECT_EQ((counts.pio[RegionKey{"uart", Direction::kWrite}]), 3u);
}

TEST_F(ExitDispatchTest, PioInFillsTheRunArea) {
  for (uint8_t size : {1, 2, 4}) {
    std::memset(io_data(), 0, 8);
    script_io(false, 0x3f9, size, 1);
    EXPECT_EQ(dispatch().action, ExitAction::kContinue);
    for (uint8_t i = 0; i < size; ++i) EXPECT_EQ(io_data()[i], 0x5a);
    EXPECT_EQ(io_data()[size], 0);
  }
  EXPECT_EQ((counters.snapshot().pio[RegionKey{"uart", Direction::kRead}]), 3u);
}

TEST_F(ExitDispatchTest, StringPioIsOneAccessPerElement) {
  script_io(true, 0x3f8, 1, 5);
  std::memcpy(io_data(), "hello", 5);
  EXPECT_EQ(dispatch().action, ExitAction::kContinue);
  ASSERT_EQ(uart->accesses.size(), 5u);
  EXPECT_EQ(uart->accesses[4].bytes[0], 'o');
  EXPECT_EQ(counters.snapshot().total, 1u);  // one exit, however many elements
}

TEST_F(ExitDispatchTest, UnmappedPortReadsAllOnesAndIsCounted) {
  script_io(false, 0x80, 2, 1);
  EXPECT_EQ(dispatch().action, ExitAction::kContinue);
  EXPECT_EQ(io_data()[0], 0xff);
  EXPECT_EQ(io_data()[1], 0xff);
  script_io(true, 0x80, 1, 1);
  EXPECT_EQ(dispatch().action, ExitAction::kContinue);
  auto counts = counters.snapshot();
  EXPECT_EQ((counts.pio[RegionKey{"unmapped", Direction::kRead}]), 1u);
  EXPECT_EQ((counts.pio[RegionKey{"unmapped", Direction::kWrite}]), 1u);
  EXPECT_TRUE(uart->accesses.empty());
}

// Issue 15: a guest reading and writing every port must not grow the
// counters by one entry per port; they count per device region, the rest in
// one unmapped bucket.
TEST_F(ExitDispatchTest, AScanOfEveryPortKeepsTheCountersWithinTheirBound) {
  for (uint32_t port = 0; port <= 0xffff; ++port)
    for (bool out : {false, true}) {
      script_io(out, static_cast<uint16_t>(port), 1, 1);
      ASSERT_EQ(dispatch().action, ExitAction::kContinue);
    }
  auto counts = counters.snapshot();
  EXPECT_LE(counts.pio.size(), 2 * VcpuExitCounters::kMaxRegionsPerBus);
  EXPECT_EQ(counts.pio.size(), 4u);  // uart and unmapped, in and out
  EXPECT_EQ((counts.pio[RegionKey{"uart", Direction::kRead}]), 8u);
  EXPECT_EQ((counts.pio[RegionKey{"uart", Direction::kWrite}]), 8u);
  EXPECT_EQ((counts.pio[RegionKey{"unmapped", Direction::kRead}]), 0x10000u - 8);
  EXPECT_EQ((counts.pio[RegionKey{"unmapped", Direction::kWrite}]), 0x10000u - 8);
  EXPECT_EQ(counts.by_reason[KVM_EXIT_IO], 0x20000u);
}

// More regions than the bound (never with this VMM's devices): the ones
// past it share the "other" bucket, and nothing is lost from the total.
TEST_F(ExitDispatchTest, RegionsPastTheBoundShareOneBucket) {
  constexpr uint16_t kRanges = 40;
  for (uint16_t i = 0; i < kRanges; ++i)
    ASSERT_TRUE(pio_bus.insert(0x1000 + 4 * i, 4, "dev" + std::to_string(i), uart).ok());
  for (uint16_t i = 0; i < kRanges; ++i) {
    script_io(true, static_cast<uint16_t>(0x1000 + 4 * i), 1, 1);
    ASSERT_EQ(dispatch().action, ExitAction::kContinue);
  }
  auto counts = counters.snapshot();
  EXPECT_LE(counts.pio.size(), 2 * VcpuExitCounters::kMaxRegionsPerBus);
  uint64_t sum = 0;
  for (const auto& [key, n] : counts.pio) sum += n;
  EXPECT_EQ(sum, kRanges);
  EXPECT_GT((counts.pio[RegionKey{"other", Direction::kWrite}]), 0u);
}

TEST_F(ExitDispatchTest, IoDataOutsideTheRunAreaIsAnError) {
  script_io(true, 0x3f8, 4, 1);
  run().io.data_offset = kAreaSize - 2;
  EXPECT_EQ(dispatch().action, ExitAction::kVmmError);
  script_io(true, 0x3f8, 4, 0x40000000);
  EXPECT_EQ(dispatch().action, ExitAction::kVmmError);
  EXPECT_TRUE(uart->accesses.empty());
}

TEST_F(ExitDispatchTest, MmioWriteAndReadByRegion) {
  script_mmio(true, 0xd0000070, 4);
  uint32_t value = 0x0f;
  std::memcpy(run().mmio.data, &value, 4);
  EXPECT_EQ(dispatch().action, ExitAction::kContinue);
  ASSERT_EQ(mmio_device->accesses.size(), 1u);
  EXPECT_EQ(mmio_device->accesses[0].offset, 0x70u);
  EXPECT_EQ(mmio_device->accesses[0].bytes[0], 0x0f);

  script_mmio(false, 0xd0000000, 8);
  EXPECT_EQ(dispatch().action, ExitAction::kContinue);
  EXPECT_EQ(run().mmio.data[7], 0x5a);

  script_mmio(false, 0xfed00000, 4);  // nothing there
  EXPECT_EQ(dispatch().action, ExitAction::kContinue);
  EXPECT_EQ(run().mmio.data[0], 0xff);

  auto counts = counters.snapshot();
  EXPECT_EQ((counts.mmio[RegionKey{"virtio-mmio-0", Direction::kWrite}]), 1u);
  EXPECT_EQ((counts.mmio[RegionKey{"virtio-mmio-0", Direction::kRead}]), 1u);
  EXPECT_EQ((counts.mmio[RegionKey{"unmapped", Direction::kRead}]), 1u);
}

TEST_F(ExitDispatchTest, BadMmioLengthIsAnError) {
  script_mmio(true, 0xd0000000, 9);
  EXPECT_EQ(dispatch().action, ExitAction::kVmmError);
}

TEST_F(ExitDispatchTest, HltAndKickContinue) {
  run().exit_reason = KVM_EXIT_HLT;
  EXPECT_EQ(dispatch().action, ExitAction::kContinue);
  run().exit_reason = KVM_EXIT_INTR;
  EXPECT_EQ(dispatch().action, ExitAction::kContinue);
  auto counts = counters.snapshot();
  EXPECT_EQ(counts.by_reason[KVM_EXIT_HLT], 1u);
  EXPECT_EQ(counts.by_reason[KVM_EXIT_INTR], 1u);
}

TEST_F(ExitDispatchTest, ShutdownIsATripleFault) {
  run().exit_reason = KVM_EXIT_SHUTDOWN;
  auto outcome = dispatch();
  EXPECT_EQ(outcome.action, ExitAction::kGuestFault);
  EXPECT_NE(outcome.message.find("triple fault"), std::string::npos);
}

TEST_F(ExitDispatchTest, FailEntryReportsTheHardwareReason) {
  run().exit_reason = KVM_EXIT_FAIL_ENTRY;
  run().fail_entry.hardware_entry_failure_reason = 0x21;
  auto outcome = dispatch();
  EXPECT_EQ(outcome.action, ExitAction::kGuestFault);
  EXPECT_NE(outcome.message.find("0x21"), std::string::npos);
}

TEST_F(ExitDispatchTest, InternalErrorReportsTheSuberror) {
  run().exit_reason = KVM_EXIT_INTERNAL_ERROR;
  run().internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
  auto outcome = dispatch();
  EXPECT_EQ(outcome.action, ExitAction::kGuestFault);
  EXPECT_NE(outcome.message.find("suberror 1"), std::string::npos);
}

TEST_F(ExitDispatchTest, SystemEventShutdownStopsTheGuest) {
  run().exit_reason = KVM_EXIT_SYSTEM_EVENT;
  run().system_event.type = KVM_SYSTEM_EVENT_SHUTDOWN;
  EXPECT_EQ(dispatch().action, ExitAction::kGuestStopped);
}

TEST_F(ExitDispatchTest, UnknownReasonIsAVmmError) {
  run().exit_reason = 250;
  auto outcome = dispatch();
  EXPECT_EQ(outcome.action, ExitAction::kVmmError);
  EXPECT_NE(outcome.message.find("UNKNOWN_250"), std::string::npos);
}

}  // namespace
}  // namespace vmm
