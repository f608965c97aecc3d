// Hostile descriptor chains against the whole VMM (issue 8, cases 1-4): a
// scripted guest puts chains on virtio-net's queues that break the rules of
// virtio 1.2 §2.7.5 (buffers outside RAM, lengths that wrap or reach 4 GiB,
// loops, indirect tables inside indirect tables). Each time the device must
// stop using its queues and flag DEVICE_NEEDS_RESET with a configuration
// interrupt (§2.1.2), hand nothing to the backend, work again after the
// driver resets it, and leave the VM and its other devices running.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "tests/unit/app/heap_meter.h"
#include "tests/unit/app/hostile_vm_rig.h"
#include "virtio/spec.h"

namespace vmm::testing {
namespace {

using namespace virtio;

constexpr uint64_t kVersion1 = kFeatureVersion1;
constexpr uint64_t kIndirect = kFeatureVersion1 | kFeatureIndirectDesc;
constexpr uint64_t k16MiB = 16 << 20;

// One broken chain: what it is, the features the driver negotiates first,
// and how it writes the chain into the transmit ring (returning its head).
struct Variant {
  std::string name;
  uint64_t features;
  std::function<uint16_t(GuestRing& tx)> write;
};

class HostileChainTest : public HostileGuestTest {
 protected:
  // For each variant: a freshly reset device, one good frame that goes out,
  // then the variant's chain, which must get DEVICE_NEEDS_RESET. The device
  // is left broken after the last; the script then checks the other
  // devices and ends the VM with status 5.
  VmStats run_variants(const std::vector<Variant>& variants) {
    return run([&](ScriptedVcpu& vcpu) {
      GuestVirtioDriver driver(vcpu);
      for (size_t i = 0; i < variants.size(); ++i) {
        SCOPED_TRACE(variants[i].name);
        if (i > 0) {
          ASSERT_TRUE(driver.reset());
        }
        GuestRing rx = fresh_ring(0), tx = fresh_ring(1);
        bring_up(driver, rx, tx, variants[i].features);
        ASSERT_TRUE(send_frame(driver, tx, static_cast<uint8_t>(i)));
        uint16_t head = variants[i].write(tx);
        ASSERT_TRUE(post_and_expect_needs_reset(driver, tx, 1, head));
        EXPECT_EQ(tx.used_idx(), 1) << "the broken chain was returned as if used";
        EXPECT_EQ(frames_sent(), i + 1) << "a frame of the broken chain reached the backend";
      }
      driver.notify(1);  // a broken device ignores further notifications
      EXPECT_TRUE(device_thread_caught_up());
      expect_other_devices_work(vcpu);
      final_status_ = driver.status();
      vcpu.debug_exit(2);
    });
  }

  // A readable buffer inside RAM holding a header and a 60-byte frame.
  static VirtqDesc good_buffer(uint16_t flags = 0, uint16_t next = 0) {
    return {kBufferGpa + 100 * kBufferBytes, kHeaderBytes + 60, flags, next};
  }

  void expect_every_variant_reported(const VmStats& stats, size_t variants) {
    EXPECT_EQ(stats.exit_status, (2 << 1) | 1) << stats.stop_reason;
    EXPECT_TRUE(final_status_ & kStatusDeviceNeedsReset);
    EXPECT_EQ(counter(stats, "needs_reset"), variants);
    EXPECT_EQ(counter(stats, "tx_frames"), variants);  // the good frames, no other
    EXPECT_EQ(frames_sent(), variants);
  }

  uint32_t final_status_ = 0;
};

TEST_F(HostileChainTest, DescriptorsOutsideGuestRamPutTheDeviceInNeedsResetAndNothingIsSent) {
  create_vm();
  auto single = [](uint64_t addr, uint32_t len) {
    return [addr, len](GuestRing& tx) {
      tx.set_descriptor(7, {addr, len, 0, 0});
      return uint16_t{7};
    };
  };
  std::vector<Variant> variants = {
      {"first byte past RAM", kVersion1, single(kRamBytes, kHeaderBytes + 60)},
      {"straddling the end of RAM", kVersion1, single(kRamBytes - 16, kHeaderBytes + 60)},
      {"the device's own MMIO window", kVersion1, single(platform::kVirtioMmioBase, 64)},
      {"the local APIC", kVersion1, single(platform::kLapicGpa, 64)},
      {"top of the address space", kVersion1, single(0xffff'ffff'ffff'0000, 64)},
      {"second buffer of a chain past RAM", kVersion1, [](GuestRing& tx) {
         tx.set_descriptor(7, good_buffer(kDescNext, 8));
         tx.set_descriptor(8, {kRamBytes + 4096, 64, 0, 0});
         return uint16_t{7};
       }},
  };
  VmStats stats = run_variants(variants);
  expect_every_variant_reported(stats, variants.size());
}

// The receive side: a device-writable buffer outside RAM is found when a
// frame arrives for it, and the frame is not written anywhere.
TEST_F(HostileChainTest, AReceiveBufferOutsideGuestRamIsReportedWhenAFrameArrives) {
  create_vm();
  uint32_t final_status = 0;
  VmStats stats = run([&](ScriptedVcpu& vcpu) {
    GuestVirtioDriver driver(vcpu);
    GuestRing rx = fresh_ring(0), tx = fresh_ring(1);
    bring_up(driver, rx, tx, kVersion1);
    rx.set_descriptor(3, {kRamBytes - 512, 1526, kDescWrite, 0});
    rx.make_available(3);
    driver.notify(0);
    net_backend_->deliver_from_host(std::vector<uint8_t>(100, 0xee));
    EXPECT_TRUE(driver.wait_for_status(kStatusDeviceNeedsReset));
    EXPECT_EQ(rx.used_idx(), 0);
    expect_other_devices_work(vcpu);
    final_status = driver.status();
    vcpu.debug_exit(2);
  });
  EXPECT_EQ(stats.exit_status, (2 << 1) | 1) << stats.stop_reason;
  EXPECT_TRUE(final_status & kStatusDeviceNeedsReset);
  EXPECT_EQ(counter(stats, "needs_reset"), 1u);
  EXPECT_EQ(counter(stats, "rx_frames"), 0u);
  EXPECT_EQ(frames_sent(), 0u);
}

TEST_F(HostileChainTest, DescriptorLengthsThatWrapOrReach4GiBAreRefused) {
  create_vm();
  std::vector<Variant> variants = {
      {"length 0xffffffff", kVersion1, [](GuestRing& tx) {
         tx.set_descriptor(7, {kBufferGpa, 0xffffffff, 0, 0});
         return uint16_t{7};
       }},
      {"address + length wraps around 2^64 into RAM", kVersion1, [](GuestRing& tx) {
         tx.set_descriptor(7, {0xffff'ffff'ffff'f000, 0x2000, 0, 0});
         return uint16_t{7};
       }},
      // 256 descriptors of 16 MiB each, all inside RAM: 4 GiB in total,
      // which no chain may hold (virtio 1.2 §2.7.5.2).
      {"a chain of 4 GiB", kVersion1, [](GuestRing& tx) {
         for (uint16_t i = 0; i < 256; ++i)
           tx.set_descriptor(i, {0, static_cast<uint32_t>(k16MiB), static_cast<uint16_t>(i < 255 ? kDescNext : 0),
                                 static_cast<uint16_t>(i + 1)});
         return uint16_t{0};
       }},
      {"an indirect table of 4 GiB", kIndirect, [this](GuestRing& tx) {
         for (uint16_t i = 0; i < 256; ++i)
           ram().put(kScratchGpa + 16 * i,
                     VirtqDesc{0, static_cast<uint32_t>(k16MiB), static_cast<uint16_t>(i < 255 ? kDescNext : 0),
                               static_cast<uint16_t>(i + 1)});
         tx.set_descriptor(7, {kScratchGpa, 256 * 16, kDescIndirect, 0});
         return uint16_t{7};
       }},
  };
  VmStats stats = run_variants(variants);
  expect_every_variant_reported(stats, variants.size());
}

// Just under the 4 GiB rule a chain is legal, but no frame is that long: the
// device drops it without copying a byte, returns it, and keeps working.
TEST_F(HostileChainTest, AChainOfNearly4GiBIsDroppedAsMalformedWithoutCopyingIt) {
  create_vm();
  int64_t heap_growth = 0;
  VmStats stats = run([&](ScriptedVcpu& vcpu) {
    GuestVirtioDriver driver(vcpu);
    GuestRing rx = fresh_ring(0), tx = fresh_ring(1);
    bring_up(driver, rx, tx, kVersion1);
    ASSERT_TRUE(send_frame(driver, tx, 1));
    for (uint16_t i = 0; i < 255; ++i)  // 255 x 16 MiB = 4 GiB - 16 MiB
      tx.set_descriptor(i, {0, static_cast<uint32_t>(k16MiB), static_cast<uint16_t>(i < 254 ? kDescNext : 0),
                            static_cast<uint16_t>(i + 1)});
    int64_t before = live_heap_bytes();
    tx.make_available(0);
    driver.notify(1);
    EXPECT_TRUE(eventually([&] { return tx.used_idx() == 2; }));
    heap_growth = live_heap_bytes() - before;
    EXPECT_EQ(tx.used_elem(1).id, 0u);
    EXPECT_EQ(tx.used_elem(1).len, 0u);
    ASSERT_TRUE(send_frame(driver, tx, 2));  // still running
    EXPECT_EQ(driver.status() & kStatusDeviceNeedsReset, 0u);
    expect_other_devices_work(vcpu);
    vcpu.debug_exit(0);
  });
  EXPECT_EQ(stats.exit_status, 1) << stats.stop_reason;
  EXPECT_LT(heap_growth, 1 << 20);
  EXPECT_EQ(counter(stats, "tx_drops_malformed"), 1u);
  EXPECT_EQ(counter(stats, "tx_frames"), 2u);
  EXPECT_EQ(counter(stats, "needs_reset"), 0u);
  EXPECT_EQ(frames_sent(), 2u);
}

TEST_F(HostileChainTest, DescriptorChainsThatLoopAreCutAndReported) {
  create_vm();
  auto table_entry = [this](uint32_t index, const VirtqDesc& desc) {
    ram().put(kScratchGpa + 16 * index, desc);
  };
  std::vector<Variant> variants = {
      {"a descriptor whose next is itself", kVersion1, [](GuestRing& tx) {
         tx.set_descriptor(5, good_buffer(kDescNext, 5));
         return uint16_t{5};
       }},
      {"two descriptors pointing at each other", kVersion1, [](GuestRing& tx) {
         tx.set_descriptor(5, good_buffer(kDescNext, 6));
         tx.set_descriptor(6, good_buffer(kDescNext, 5));
         return uint16_t{5};
       }},
      {"a cycle through the whole table", kVersion1, [](GuestRing& tx) {
         for (uint32_t i = 0; i < 256; ++i)
           tx.set_descriptor(static_cast<uint16_t>(i), {kBufferGpa, 1, kDescNext, static_cast<uint16_t>((i + 1) % 256)});
         return uint16_t{0};
       }},
      {"a loop inside an indirect table", kIndirect, [table_entry](GuestRing& tx) {
         table_entry(0, good_buffer(kDescNext, 1));
         table_entry(1, good_buffer(kDescNext, 2));
         table_entry(2, good_buffer(kDescNext, 0));
         tx.set_descriptor(9, {kScratchGpa, 3 * 16, kDescIndirect, 0});
         return uint16_t{9};
       }},
      {"next past the end of the table", kVersion1, [](GuestRing& tx) {
         tx.set_descriptor(4, good_buffer(kDescNext, 256));
         return uint16_t{4};
       }},
      {"next past the end of an indirect table", kIndirect, [table_entry](GuestRing& tx) {
         table_entry(0, good_buffer(kDescNext, 2));
         table_entry(1, good_buffer());
         tx.set_descriptor(9, {kScratchGpa, 2 * 16, kDescIndirect, 0});
         return uint16_t{9};
       }},
  };
  VmStats stats = run_variants(variants);
  expect_every_variant_reported(stats, variants.size());
}

TEST_F(HostileChainTest, IndirectTablesInsideIndirectTablesAndOtherIndirectAbusesAreReported) {
  create_vm();
  auto table_entry = [this](uint64_t table, uint32_t index, const VirtqDesc& desc) {
    ram().put(table + 16 * index, desc);
  };
  const uint64_t inner = kScratchGpa + 0x10000;
  std::vector<Variant> variants = {
      // virtio 1.2 §2.7.5.3.1: "The driver MUST NOT set the
      // VIRTQ_DESC_F_INDIRECT flag within an indirect descriptor".
      {"an indirect table whose only entry is another", kIndirect, [=](GuestRing& tx) {
         table_entry(inner, 0, good_buffer());
         table_entry(kScratchGpa, 0, {inner, 16, kDescIndirect, 0});
         tx.set_descriptor(9, {kScratchGpa, 16, kDescIndirect, 0});
         return uint16_t{9};
       }},
      {"an indirect table chaining into another", kIndirect, [=](GuestRing& tx) {
         table_entry(inner, 0, good_buffer());
         table_entry(kScratchGpa, 0, {kBufferGpa, kHeaderBytes, kDescNext, 1});
         table_entry(kScratchGpa, 1, {inner, 16, kDescIndirect, 0});
         tx.set_descriptor(9, {kScratchGpa, 2 * 16, kDescIndirect, 0});
         return uint16_t{9};
       }},
      {"an indirect table naming itself", kIndirect, [=](GuestRing& tx) {
         table_entry(kScratchGpa, 0, {kScratchGpa, 16, kDescIndirect, 0});
         tx.set_descriptor(9, {kScratchGpa, 16, kDescIndirect, 0});
         return uint16_t{9};
       }},
      {"INDIRECT without VIRTIO_F_INDIRECT_DESC", kVersion1, [=](GuestRing& tx) {
         table_entry(kScratchGpa, 0, good_buffer());
         tx.set_descriptor(9, {kScratchGpa, 16, kDescIndirect, 0});
         return uint16_t{9};
       }},
      {"INDIRECT together with NEXT", kIndirect, [=](GuestRing& tx) {
         table_entry(kScratchGpa, 0, good_buffer());
         tx.set_descriptor(9, {kScratchGpa, 16, kDescIndirect | kDescNext, 10});
         tx.set_descriptor(10, good_buffer());
         return uint16_t{9};
       }},
      {"an indirect table of 24 bytes", kIndirect, [=](GuestRing& tx) {
         table_entry(kScratchGpa, 0, good_buffer());
         tx.set_descriptor(9, {kScratchGpa, 24, kDescIndirect, 0});
         return uint16_t{9};
       }},
      {"an indirect table longer than the queue", kIndirect, [=](GuestRing& tx) {
         for (uint32_t i = 0; i < 512; ++i) table_entry(kScratchGpa, i, {kBufferGpa, 1, 0, 0});
         tx.set_descriptor(9, {kScratchGpa, 512 * 16, kDescIndirect, 0});
         return uint16_t{9};
       }},
      {"an indirect table past RAM", kIndirect, [](GuestRing& tx) {
         tx.set_descriptor(9, {kRamBytes - 16, 32, kDescIndirect, 0});
         return uint16_t{9};
       }},
  };
  VmStats stats = run_variants(variants);
  expect_every_variant_reported(stats, variants.size());
}

// The refusals above are about the abuse, not the feature: a well-formed
// indirect chain goes out.
TEST_F(HostileChainTest, AWellFormedIndirectChainIsSent) {
  create_vm();
  VmStats stats = run([&](ScriptedVcpu& vcpu) {
    GuestVirtioDriver driver(vcpu);
    GuestRing rx = fresh_ring(0), tx = fresh_ring(1);
    bring_up(driver, rx, tx, kIndirect);
    ram().put(kScratchGpa, VirtqDesc{kBufferGpa, kHeaderBytes, kDescNext, 1});
    ram().put(kScratchGpa + 16, VirtqDesc{kBufferGpa + kBufferBytes, 60, 0, 0});
    tx.set_descriptor(9, {kScratchGpa, 2 * 16, kDescIndirect, 0});
    tx.make_available(9);
    driver.notify(1);
    EXPECT_TRUE(eventually([&] { return tx.used_idx() == 1; }));
    vcpu.debug_exit(0);
  });
  EXPECT_EQ(stats.exit_status, 1) << stats.stop_reason;
  EXPECT_EQ(counter(stats, "needs_reset"), 0u);
  ASSERT_EQ(frames_sent(), 1u);
  EXPECT_EQ(net_backend_->sent()[0].size(), 60u);
}

}  // namespace
}  // namespace vmm::testing
