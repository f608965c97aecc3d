// Hostile queue set-up against the whole VMM (issue 8, case 5): QueueReady
// written for a queue whose size is 0, not a power of 2 or above QueueNumMax,
// or whose rings lie outside RAM or are misaligned (virtio 1.2 §2.7). The
// transport checks the layout at the QueueReady write, flags
// DEVICE_NEEDS_RESET with a configuration interrupt, leaves the queue
// disabled and refuses the DRIVER_OK that follows, so the device never
// touches the rings; the VM and its other devices carry on.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "tests/unit/app/hostile_vm_rig.h"
#include "virtio/spec.h"

namespace vmm::testing {
namespace {

using namespace virtio;
using namespace virtio::mmio;

using NamedLayout = std::pair<std::string, QueueLayout>;

class HostileQueueSetupTest : public HostileGuestTest {
 protected:
  // For each layout: a fresh negotiation, a good receive queue, the bad
  // transmit queue made ready, DRIVER_OK anyway, a frame posted and
  // notified. The device is reset between layouts and left broken after
  // the last.
  VmStats play(const std::vector<NamedLayout>& layouts) {
    return run([&](ScriptedVcpu& vcpu) {
      GuestVirtioDriver driver(vcpu);
      for (size_t i = 0; i < layouts.size(); ++i) {
        SCOPED_TRACE(layouts[i].first);
        if (i > 0) {
          ASSERT_TRUE(driver.reset());
        }
        GuestRing rx = fresh_ring(0), tx = fresh_ring(1);
        ASSERT_TRUE(driver.negotiate(kFeatureVersion1));
        driver.set_up_queue(0, rx.layout());
        driver.set_up_queue(1, layouts[i].second);
        EXPECT_TRUE(driver.status() & kStatusDeviceNeedsReset) << "QueueReady took the layout";
        EXPECT_TRUE(driver.read(kRegInterruptStatus) & kInterruptConfigChange);
        EXPECT_EQ(driver.read(kRegQueueReady), 0u);  // QueueSel is still 1
        // A driver that carries on regardless gets nowhere.
        driver.set_status_bits(kStatusDriverOk);
        EXPECT_EQ(driver.status() & kStatusDriverOk, 0u);
        tx.set_descriptor(0, {kBufferGpa, kHeaderBytes + 60, 0, 0});
        tx.make_available(0);
        driver.notify(1);
        EXPECT_TRUE(device_thread_caught_up());
        EXPECT_EQ(tx.used_idx(), 0);
      }
      expect_other_devices_work(vcpu);
      final_status_ = driver.status();
      vcpu.debug_exit(4);
    });
  }

  void expect_every_layout_reported(const VmStats& stats, size_t layouts) {
    EXPECT_EQ(stats.exit_status, (4 << 1) | 1) << stats.stop_reason;
    EXPECT_TRUE(final_status_ & kStatusDeviceNeedsReset);
    EXPECT_EQ(final_status_ & kStatusDriverOk, 0u);
    EXPECT_EQ(counter(stats, "needs_reset"), layouts);
    EXPECT_EQ(counter(stats, "tx_frames"), 0u);
    EXPECT_EQ(frames_sent(), 0u);
  }

  QueueLayout tx_layout_with(uint32_t size) const {
    QueueLayout layout = GuestRing(ram(), 256, kTxRingGpa).layout();
    layout.size = size;
    return layout;
  }

  uint32_t final_status_ = 0;
};

TEST_F(HostileQueueSetupTest, QueueSizesThatAreZeroNotAPowerOf2OrTooLargeAreReportedAtQueueReady) {
  create_vm();
  std::vector<NamedLayout> layouts;
  for (uint32_t size : {0u, 3u, 255u, 257u, 512u, 0x10000u, 0xffffffffu})
    layouts.push_back({"size " + std::to_string(size), tx_layout_with(size)});
  VmStats stats = play(layouts);
  expect_every_layout_reported(stats, layouts.size());
}

TEST_F(HostileQueueSetupTest, RingsOutsideGuestRamOrMisalignedAreReportedAtQueueReady) {
  create_vm();
  auto with = [this](auto change) {
    QueueLayout layout = tx_layout_with(256);
    change(layout);
    return layout;
  };
  std::vector<NamedLayout> layouts = {
      {"descriptor table past the end of RAM",
       with([](QueueLayout& l) { l.desc_gpa = kRamBytes - 2048; })},
      {"available ring in the MMIO window",
       with([](QueueLayout& l) { l.avail_gpa = platform::kVirtioMmioBase; })},
      {"used ring wrapping around 2^64",
       with([](QueueLayout& l) { l.used_gpa = 0xffff'ffff'ffff'f000; })},
      {"descriptor table 8-byte aligned", with([](QueueLayout& l) { l.desc_gpa += 8; })},
      {"available ring odd", with([](QueueLayout& l) { l.avail_gpa += 1; })},
      {"used ring 2-byte aligned", with([](QueueLayout& l) { l.used_gpa += 2; })},
  };
  VmStats stats = play(layouts);
  expect_every_layout_reported(stats, layouts.size());
}

}  // namespace
}  // namespace vmm::testing
