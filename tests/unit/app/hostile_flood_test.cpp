// A transmit flood from a guest that never posts receive buffers (issue 8,
// case 7), against the whole VMM with the real user-network backend
// (libslirp): every frame the guest sends is an ARP request for 10.0.2.2,
// which slirp answers at once, so the flood sends as many frames back at a
// guest with nowhere to put them. What bounds the VMM: the device holds no
// frame itself (it answers kNoBuffer and asks for a notification), and the
// backend keeps at most SlirpBackend::kMaxHeldFrames, dropping and counting
// the rest (rx_drops_no_buffer). Every reply is accounted for: delivered
// once buffers come, or counted as dropped.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <vector>

#include "tests/unit/app/heap_meter.h"
#include "tests/unit/app/hostile_vm_rig.h"
#include "tests/unit/virtio/test_frames.h"
#include "hostnet/slirp_backend.h"
#include "virtio/spec.h"

namespace vmm::testing {
namespace {

using namespace virtio;

constexpr uint64_t kFloodFrames = 20000;
constexpr uint64_t kHeld = net::SlirpBackend::kMaxHeldFrames;
constexpr uint16_t kRingSize = 256;
static_assert(kHeld <= kRingSize, "the guest takes every held frame in one ring of buffers");

class HostileFloodTest : public HostileGuestTest {
 protected:
  // `count` more ARP requests through the transmit ring, a ringful per
  // notification; each descriptor points at the same request.
  bool send_requests(GuestVirtioDriver& driver, GuestRing& tx, uint64_t count) {
    while (count > 0) {
      uint64_t batch = count < kRingSize ? count : kRingSize;
      for (uint64_t i = 0; i < batch; ++i) tx.make_available(tx.avail_idx() % kRingSize);
      driver.notify(1);
      if (!eventually([&tx] { return tx.used_idx() == tx.avail_idx(); })) return false;
      count -= batch;
    }
    return true;
  }
};

TEST_F(HostileFloodTest, ATransmitFloodWithoutReceiveBuffersHoldsABoundedBacklogAndCountsEveryDrop) {
  auto slirp = net::SlirpBackend::create({});
  ASSERT_TRUE(slirp.ok()) << slirp.error().message;
  create_vm(std::move(*slirp));
  int64_t heap_growth = 0;
  uint16_t arp_replies = 0;
  VmStats stats = run([&](ScriptedVcpu& vcpu) {
    GuestVirtioDriver driver(vcpu);
    GuestRing rx = fresh_ring(0, kRingSize), tx = fresh_ring(1, kRingSize);
    bring_up(driver, rx, tx, kFeatureVersion1);
    std::vector<uint8_t> request(kHeaderBytes, 0);
    auto arp = net::testing::arp_request(net::default_mac(0), net::testing::kGuestIp,
                                         net::testing::kHostIp);
    request.insert(request.end(), arp.begin(), arp.end());
    for (size_t i = 0; i < request.size(); ++i) ram().put(kBufferGpa + i, request[i]);
    for (uint16_t i = 0; i < kRingSize; ++i)
      tx.set_descriptor(i, {kBufferGpa, static_cast<uint32_t>(request.size()), 0, 0});

    // Enough to fill the backlog and start dropping; then the flood proper.
    ASSERT_TRUE(send_requests(driver, tx, 2 * kHeld));
    int64_t before = live_heap_bytes();
    ASSERT_TRUE(send_requests(driver, tx, kFloodFrames - 2 * kHeld));
    heap_growth = live_heap_bytes() - before;
    EXPECT_EQ(rx.used_idx(), 0);

    // Buffers at last: the held replies arrive, and no more than those.
    for (uint16_t i = 0; i < kRingSize; ++i) {
      rx.set_descriptor(i, {kBufferGpa + (1 + i) * kBufferBytes, static_cast<uint32_t>(kBufferBytes),
                            kDescWrite, 0});
      rx.make_available(i);
    }
    driver.notify(0);
    EXPECT_TRUE(eventually([&rx] { return rx.used_idx() == kHeld; }));
    for (uint16_t i = 0; i < rx.used_idx(); ++i) {
      VirtqUsedElem used = rx.used_elem(i);
      uint64_t frame = kBufferGpa + (1 + used.id) * kBufferBytes + kHeaderBytes;
      bool is_arp_reply = used.len > kHeaderBytes + 21 && ram().get<uint8_t>(frame + 12) == 0x08 &&
                          ram().get<uint8_t>(frame + 13) == 0x06 && ram().get<uint8_t>(frame + 21) == 2;
      if (is_arp_reply) ++arp_replies;
    }
    expect_other_devices_work(vcpu);
    vcpu.debug_exit(7);
  });
  EXPECT_EQ(stats.exit_status, (7 << 1) | 1) << stats.stop_reason;
  EXPECT_EQ(counter(stats, "tx_frames"), kFloodFrames);
  EXPECT_EQ(counter(stats, "rx_frames"), kHeld);
  EXPECT_EQ(arp_replies, kHeld);
  EXPECT_EQ(counter(stats, "rx_frames") + counter(stats, "rx_drops_no_buffer"), kFloodFrames);
  EXPECT_GE(counter(stats, "rx_waits_for_buffers"), 1u);
  EXPECT_EQ(counter(stats, "needs_reset"), 0u);
  // ~19,500 frames past the backlog: kept, they would be well over 1 MiB.
  EXPECT_LT(heap_growth, 64 << 10);
}

// A backend whose send_frame() holds the device thread until released: a
// device thread busy on a long transmit, as a slow host network makes it.
class StallingBackend : public net::NetBackend {
 public:
  std::string_view kind() const override { return "stalling"; }
  Result<void> attach(boost::asio::io_context&, net::FrameReceiver&) override { return ok(); }
  net::SendResult send_frame(std::span<const uint8_t>) override {
    std::unique_lock lock(mutex_);
    stalled_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return released_; });
    return net::SendResult::kSent;
  }
  void resume_receive() override {}
  net::BackendCounters counters() const override { return {}; }

  bool wait_until_stalled() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(5), [this] { return stalled_; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stalled_ = false;
  bool released_ = false;
};

// Without ioeventfd every QueueNotify write is an exit whose notification
// the vCPU hands to the device thread. A guest writing QueueNotify in a
// loop while that thread is busy must not pile up work without bound.
TEST_F(HostileFloodTest, AQueueNotifyStormWhileTheDeviceThreadIsBusyQueuesBoundedWork) {
  constexpr uint64_t kStorm = 50000;
  auto backend = std::make_unique<StallingBackend>();
  StallingBackend* stalling = backend.get();
  create_vm(std::move(backend));
  int64_t heap_growth = 0;
  VmStats stats = run([&](ScriptedVcpu& vcpu) {
    GuestVirtioDriver driver(vcpu);
    GuestRing rx = fresh_ring(0), tx = fresh_ring(1);
    bring_up(driver, rx, tx, kFeatureVersion1);
    tx.set_descriptor(0, {kBufferGpa, kHeaderBytes + 60, 0, 0});
    tx.make_available(0);
    driver.notify(1);
    if (!stalling->wait_until_stalled()) ADD_FAILURE() << "the device never sent the frame";
    int64_t before = live_heap_bytes();
    vcpu.burst(kStorm, [](kvm_run& run, uint64_t i) {
      run.exit_reason = KVM_EXIT_MMIO;
      run.mmio.phys_addr = platform::kVirtioMmioBase + mmio::kRegQueueNotify;
      run.mmio.len = 4;
      run.mmio.is_write = 1;
      uint32_t queue = i % 2;
      std::memcpy(run.mmio.data, &queue, 4);
    });
    heap_growth = live_heap_bytes() - before;
    stalling->release();
    EXPECT_TRUE(eventually([&tx] { return tx.used_idx() == 1; }));
    expect_other_devices_work(vcpu);
    vcpu.debug_exit(7);
  });
  EXPECT_EQ(stats.exit_status, (7 << 1) | 1) << stats.stop_reason;
  EXPECT_EQ(counter(stats, "notifications"), kStorm + 1);
  EXPECT_EQ(counter(stats, "tx_frames"), 1u);
  EXPECT_EQ(counter(stats, "needs_reset"), 0u);
  // One queued hand-over per write would be several MiB.
  EXPECT_LT(heap_growth, 64 << 10);
}

}  // namespace
}  // namespace vmm::testing
