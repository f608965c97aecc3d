// The network device over crafted rings and a recording backend: transmit
// strips the header, receive writes it (num_buffers right with and without
// MRG_RXBUF), an empty receive ring is back-pressure, interrupt suppression
// is respected, and a hostile ring stops the device instead of the VMM.
#include "virtio/net/virtio_net.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <numeric>

#include "tests/support/fake_net_backend.h"
#include "tests/unit/virtio/fake_driver_queue.h"
#include "virtio/spec.h"

namespace vmm::virtio {
namespace {

using testing::FakeDriverQueue;
using vmm::testing::FakeNetBackend;

constexpr uint64_t kRxRing = 0x10000, kTxRing = 0x20000;
constexpr uint64_t kTxData = 0x100000, kRxData = 0x200000;
constexpr uint16_t kRx = net_spec::kReceiveQueue, kTx = net_spec::kTransmitQueue;
constexpr size_t kHeader = sizeof(net_spec::Header);
constexpr uint64_t kMergeable = kFeatureVersion1 | net_spec::kFeatureMergeRxBuffers;
constexpr uint64_t kMergeableEventIdx = kMergeable | kFeatureEventIdx;

class RecordingSignals : public DeviceSignals {
 public:
  void notify_used_buffers() override { ++used; }
  void notify_config_changed() override { ++config; }
  void device_needs_reset(const std::string& why) override { needs_reset.push_back(why); }
  int used = 0, config = 0;
  std::vector<std::string> needs_reset;
};

std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> bytes(n);
  std::iota(bytes.begin(), bytes.end(), seed);
  return bytes;
}

class VirtioNetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto memory = GuestMemory::create(4 << 20);
    ASSERT_TRUE(memory.ok());
    memory_ = std::make_unique<GuestMemory>(std::move(*memory));
    rx_ = std::make_unique<FakeDriverQueue>(*memory_, 16, kRxRing);
    tx_ = std::make_unique<FakeDriverQueue>(*memory_, 16, kTxRing);
    device_ = std::make_unique<VirtioNet>(*memory_, backend_, net::default_mac(0), context_);
  }

  void activate(uint64_t features) {
    ActiveQueues queues(2);
    queues[kRx].emplace(std::move(*Virtqueue::create(*memory_, rx_->layout(), 256, features)));
    queues[kTx].emplace(std::move(*Virtqueue::create(*memory_, tx_->layout(), 256, features)));
    device_->activate(Activation{features, std::move(queues), &signals_});
  }

  // A transmit chain: a header descriptor, then the frame.
  void queue_frame_for_tx(const std::vector<uint8_t>& frame, uint64_t at = kTxData) {
    testing::write_bytes(*memory_, at, std::vector<uint8_t>(kHeader, 0));
    testing::write_bytes(*memory_, at + 0x100, frame);
    tx_->add_chain({{at, kHeader, false}, {at + 0x100, uint32_t(frame.size()), false}});
  }

  // Receive chains of `bytes` each, one descriptor per chain.
  void post_rx_buffers(int count, uint32_t bytes) {
    for (int i = 0; i < count; ++i) rx_->add_chain({{next_rx_buffer_, bytes, true}}), next_rx_buffer_ += 0x1000;
  }

  net_spec::Header header_at(uint64_t gpa) { return *memory_->read_obj<net_spec::Header>(gpa); }

  boost::asio::io_context context_;
  std::unique_ptr<GuestMemory> memory_;
  std::unique_ptr<FakeDriverQueue> rx_, tx_;
  FakeNetBackend backend_;
  RecordingSignals signals_;
  std::unique_ptr<VirtioNet> device_;
  uint64_t next_rx_buffer_ = kRxData;
};

TEST_F(VirtioNetTest, OffersMacStatusMergeableBuffersAndRingFeatures) {
  uint64_t f = device_->device_features();
  EXPECT_TRUE(f & net_spec::kFeatureMac);
  EXPECT_TRUE(f & net_spec::kFeatureStatus);
  EXPECT_TRUE(f & net_spec::kFeatureMergeRxBuffers);
  EXPECT_TRUE(f & kFeatureEventIdx);
  EXPECT_TRUE(f & kFeatureIndirectDesc);
  EXPECT_EQ(device_->queue_count(), 2);
}

TEST_F(VirtioNetTest, ConfigSpaceHoldsTheMacAndLinkUp) {
  std::vector<uint8_t> mac(6);
  device_->read_config(0, mac);
  EXPECT_EQ(mac, (std::vector<uint8_t>{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}));
  uint16_t status = 0, pairs = 0;
  device_->read_config(6, std::span(reinterpret_cast<uint8_t*>(&status), 2));
  device_->read_config(8, std::span(reinterpret_cast<uint8_t*>(&pairs), 2));
  EXPECT_EQ(status, net_spec::kStatusLinkUp);
  EXPECT_EQ(pairs, 1);
  uint32_t beyond = 0;
  device_->read_config(12, std::span(reinterpret_cast<uint8_t*>(&beyond), 4));
  EXPECT_EQ(beyond, 0u);
}

TEST_F(VirtioNetTest, TransmittedFrameReachesTheBackendWithoutTheHeader) {
  activate(kMergeable);
  std::vector<uint8_t> frame = pattern(60, 1);
  queue_frame_for_tx(frame);
  device_->queue_notified(kTx);
  ASSERT_EQ(backend_.sent().size(), 1u);
  EXPECT_EQ(backend_.sent()[0], frame);
  EXPECT_EQ(tx_->used_idx(), 1);
  EXPECT_EQ(tx_->used_elem(0).len, 0u);  // the device wrote nothing
  EXPECT_EQ(signals_.used, 1);
  EXPECT_EQ(device_->counters().tx_frames, 1u);
  EXPECT_EQ(device_->counters().tx_bytes, 60u);
}

TEST_F(VirtioNetTest, HeaderMaySpanDescriptors) {
  activate(kMergeable);
  std::vector<uint8_t> bytes(kHeader, 0);
  std::vector<uint8_t> frame = pattern(42, 7);
  bytes.insert(bytes.end(), frame.begin(), frame.end());
  testing::write_bytes(*memory_, kTxData, bytes);
  tx_->add_chain({{kTxData, 5, false}, {kTxData + 5, uint32_t(bytes.size() - 5), false}});
  device_->queue_notified(kTx);
  ASSERT_EQ(backend_.sent().size(), 1u);
  EXPECT_EQ(backend_.sent()[0], frame);
}

TEST_F(VirtioNetTest, ChainShorterThanTheHeaderIsDroppedAndReturned) {
  activate(kMergeable);
  tx_->add_chain({{kTxData, 8, false}});
  device_->queue_notified(kTx);
  EXPECT_TRUE(backend_.sent().empty());
  EXPECT_EQ(tx_->used_idx(), 1);
  EXPECT_EQ(device_->counters().tx_dropped_malformed, 1u);
  EXPECT_TRUE(signals_.needs_reset.empty());
}

TEST_F(VirtioNetTest, BackendFailureIsACountedDrop) {
  activate(kMergeable);
  backend_.fail_sends = true;
  queue_frame_for_tx(pattern(60, 1));
  device_->queue_notified(kTx);
  EXPECT_EQ(device_->counters().tx_dropped_backend_error, 1u);
  EXPECT_EQ(device_->counters().tx_frames, 0u);
  EXPECT_EQ(tx_->used_idx(), 1);
}

TEST_F(VirtioNetTest, TransmitAsksForTheNextNotificationThroughAvailEvent) {
  activate(kMergeableEventIdx);
  tx_->set_used_event(0xffff);
  queue_frame_for_tx(pattern(60, 1), kTxData);
  queue_frame_for_tx(pattern(60, 2), kTxData + 0x1000);
  device_->queue_notified(kTx);
  EXPECT_EQ(backend_.sent().size(), 2u);
  EXPECT_EQ(tx_->avail_event(), 2);
  EXPECT_EQ(signals_.used, 0);  // used_event 0xffff not reached
}

TEST_F(VirtioNetTest, TransmitRespectsNoInterruptWithoutEventIdx) {
  activate(kMergeable);
  tx_->set_avail_flags(kAvailNoInterrupt);
  queue_frame_for_tx(pattern(60, 1));
  device_->queue_notified(kTx);
  EXPECT_EQ(backend_.sent().size(), 1u);
  EXPECT_EQ(signals_.used, 0);
}

TEST_F(VirtioNetTest, ReceivedFrameLandsBehindAHeaderWithNumBuffersOne) {
  activate(kMergeable);
  post_rx_buffers(1, 2048);
  std::vector<uint8_t> frame = pattern(100, 3);
  EXPECT_EQ(device_->deliver_frame(frame), net::Delivery::kAccepted);
  EXPECT_EQ(rx_->used_idx(), 1);
  EXPECT_EQ(rx_->used_elem(0).len, kHeader + 100);
  net_spec::Header header = header_at(kRxData);
  EXPECT_EQ(header.num_buffers, 1);
  EXPECT_EQ(header.gso_type, net_spec::kGsoNone);
  EXPECT_EQ(header.flags, 0);
  EXPECT_EQ(testing::read_bytes(*memory_, kRxData + kHeader, 100), frame);
  EXPECT_EQ(signals_.used, 1);
  EXPECT_EQ(device_->counters().rx_frames, 1u);
  EXPECT_EQ(device_->counters().rx_bytes, 100u);
}

TEST_F(VirtioNetTest, MergeableFrameSpansChainsAndCountsThem) {
  activate(kMergeable);
  post_rx_buffers(4, 1000);
  std::vector<uint8_t> frame = pattern(2500, 9);
  EXPECT_EQ(device_->deliver_frame(frame), net::Delivery::kAccepted);
  ASSERT_EQ(rx_->used_idx(), 3);
  EXPECT_EQ(rx_->used_elem(0).len, 1000u);
  EXPECT_EQ(rx_->used_elem(1).len, 1000u);
  EXPECT_EQ(rx_->used_elem(2).len, kHeader + 2500 - 2000);
  EXPECT_EQ(header_at(kRxData).num_buffers, 3);
  std::vector<uint8_t> landed = testing::read_bytes(*memory_, kRxData + kHeader, 1000 - kHeader);
  for (int chain = 1; chain < 3; ++chain) {
    auto more = testing::read_bytes(*memory_, kRxData + chain * 0x1000, rx_->used_elem(chain).len);
    landed.insert(landed.end(), more.begin(), more.end());
  }
  EXPECT_EQ(landed, frame);
  EXPECT_EQ(signals_.used, 1);  // one publish for the whole frame
  // The fourth chain is still there for the next frame.
  EXPECT_EQ(device_->deliver_frame(pattern(10, 0)), net::Delivery::kAccepted);
  EXPECT_EQ(rx_->used_elem(3).id, 3u);
}

TEST_F(VirtioNetTest, WithoutMergeableAFrameMustFitOneChain) {
  activate(kFeatureVersion1);
  post_rx_buffers(1, 100);
  EXPECT_EQ(device_->deliver_frame(pattern(200, 0)), net::Delivery::kAccepted);  // dropped
  EXPECT_EQ(device_->counters().rx_dropped_buffer_too_small, 1u);
  EXPECT_EQ(rx_->used_idx(), 0);  // the chain stays with the device
  EXPECT_EQ(device_->deliver_frame(pattern(50, 0)), net::Delivery::kAccepted);
  EXPECT_EQ(rx_->used_idx(), 1);
  EXPECT_EQ(rx_->used_elem(0).len, kHeader + 50);
  EXPECT_EQ(header_at(kRxData).num_buffers, 1);
}

TEST_F(VirtioNetTest, EmptyReceiveRingIsBackPressureUntilTheDriverAddsBuffers) {
  activate(kMergeableEventIdx);
  int resumes_at_activation = backend_.resumes;
  EXPECT_EQ(device_->deliver_frame(pattern(60, 0)), net::Delivery::kNoBuffer);
  EXPECT_EQ(rx_->avail_event(), 0);  // "notify me when you add entry 0"
  EXPECT_EQ(device_->counters().rx_waits_for_buffers, 1u);
  post_rx_buffers(1, 2048);
  device_->queue_notified(kRx);
  EXPECT_EQ(backend_.resumes, resumes_at_activation + 1);
  EXPECT_EQ(device_->deliver_frame(pattern(60, 0)), net::Delivery::kAccepted);
}

TEST_F(VirtioNetTest, WithoutEventIdxReceiveTogglesNoNotify) {
  activate(kMergeable);
  EXPECT_EQ(rx_->used_flags(), kUsedNoNotify);  // plenty of buffers: no kicks wanted
  EXPECT_EQ(device_->deliver_frame(pattern(60, 0)), net::Delivery::kNoBuffer);
  EXPECT_EQ(rx_->used_flags(), 0);              // now we want to hear about buffers
  post_rx_buffers(1, 2048);
  device_->queue_notified(kRx);
  EXPECT_EQ(rx_->used_flags(), kUsedNoNotify);
}

TEST_F(VirtioNetTest, TooLittleRoomWaitsWithoutConsumingChains) {
  activate(kMergeableEventIdx);
  post_rx_buffers(1, 100);
  EXPECT_EQ(device_->deliver_frame(pattern(500, 0)), net::Delivery::kNoBuffer);
  EXPECT_EQ(rx_->used_idx(), 0);
  EXPECT_EQ(rx_->avail_event(), 1);  // notify on the next buffer, not the one we have
  post_rx_buffers(5, 100);  // 600 bytes of room for 512
  device_->queue_notified(kRx);
  EXPECT_EQ(device_->deliver_frame(pattern(500, 0)), net::Delivery::kAccepted);
  EXPECT_EQ(rx_->used_idx(), 6);
  EXPECT_EQ(header_at(kRxData).num_buffers, 6);
}

// --- Bounded receive work (MRG_RXBUF) ---

TEST_F(VirtioNetTest, ARingOfZeroLengthChainsIsRefusedAfterOneQueueWorthAndReturned) {
  activate(kMergeableEventIdx);
  post_rx_buffers(rx_->size(), 0);  // the whole ring, no room at all
  EXPECT_EQ(device_->deliver_frame(pattern(60, 0)), net::Delivery::kAccepted);  // refused
  EXPECT_EQ(device_->counters().rx_dropped_ring_too_small, 1u);
  EXPECT_EQ(device_->counters().rx_frames, 0u);
  // Every chain went back with nothing written, so the driver can refill.
  ASSERT_EQ(rx_->used_idx(), rx_->size());
  for (uint16_t i = 0; i < rx_->size(); ++i) EXPECT_EQ(rx_->used_elem(i).len, 0u) << i;
  EXPECT_EQ(signals_.used, 1);
  // The next frame finds the driver's fresh buffers.
  post_rx_buffers(1, 2048);
  std::vector<uint8_t> frame = pattern(100, 5);
  EXPECT_EQ(device_->deliver_frame(frame), net::Delivery::kAccepted);
  EXPECT_EQ(rx_->used_idx(), rx_->size() + 1);
  EXPECT_EQ(rx_->used_elem(rx_->size()).len, kHeader + 100);
  EXPECT_EQ(device_->counters().rx_frames, 1u);
  EXPECT_TRUE(signals_.needs_reset.empty());
}

TEST_F(VirtioNetTest, ADriverRefillingZeroLengthChainsCannotHoldReceiveBeyondOneQueueWorth) {
  activate(kMergeableEventIdx);
  // The driver keeps the device busy: each time the device runs dry it adds
  // four more zero-length chains, within what the ring can hold.
  post_rx_buffers(4, 0);
  int refills = 0;
  device_->set_rx_ring_empty_hook_for_testing([&] {
    ++refills;
    uint16_t outstanding = static_cast<uint16_t>(rx_->avail_idx() - rx_->used_idx());
    if (outstanding + 4 <= rx_->size()) post_rx_buffers(4, 0);
  });
  EXPECT_EQ(device_->deliver_frame(pattern(60, 0)), net::Delivery::kAccepted);
  EXPECT_EQ(device_->counters().rx_dropped_ring_too_small, 1u);
  EXPECT_EQ(rx_->used_idx(), rx_->size());  // one queue's worth, no more
  EXPECT_LE(refills, 3);
  device_->set_rx_ring_empty_hook_for_testing(nullptr);
  post_rx_buffers(1, 2048);
  EXPECT_EQ(device_->deliver_frame(pattern(100, 5)), net::Delivery::kAccepted);
  EXPECT_EQ(device_->counters().rx_frames, 1u);
  EXPECT_EQ(header_at(next_rx_buffer_ - 0x1000).num_buffers, 1);
}

TEST_F(VirtioNetTest, ADriverThatAddsABufferAtEveryLookIsRetriedLaterNotWaitedFor) {
  activate(kMergeableEventIdx);
  post_rx_buffers(1, 100);  // never enough for the frame below
  device_->set_rx_ring_empty_hook_for_testing([&] {
    if (rx_->avail_idx() - rx_->used_idx() < rx_->size() - 1) post_rx_buffers(1, 1);
  });
  int resumes = backend_.resumes;
  EXPECT_EQ(device_->deliver_frame(pattern(1000, 0)), net::Delivery::kNoBuffer);
  EXPECT_EQ(rx_->used_idx(), 0);  // nothing consumed
  EXPECT_EQ(backend_.resumes, resumes);  // posted, not called inside deliver_frame
  context_.poll();
  EXPECT_EQ(backend_.resumes, resumes + 1);  // offered again without a notification
}

// --- No lost receive wakeup ---

// The driver adds buffers after the device's failed pop and before its
// request for a notification; having read the old avail_event (or
// NO_NOTIFY), it does not notify. The device must still see them.
class ReceiveWakeupTest : public VirtioNetTest {
 protected:
  // Adds `count` buffers from the hook, once, and records whether a
  // Linux-style driver would have notified for them.
  void add_buffers_in_the_window(int count, uint32_t bytes, bool event_idx) {
    device_->set_rx_ring_empty_hook_for_testing([this, count, bytes, event_idx] {
      if (added_in_window_) return;
      added_in_window_ = true;
      uint16_t old_idx = rx_->avail_idx();
      post_rx_buffers(count, bytes);
      driver_would_notify_ = event_idx ? vring_need_event(rx_->avail_event(), rx_->avail_idx(), old_idx)
                                       : !(rx_->used_flags() & kUsedNoNotify);
    });
  }
  bool added_in_window_ = false;
  bool driver_would_notify_ = true;
};

TEST_F(ReceiveWakeupTest, BuffersAddedBeforeTheNotificationRequestAreTakenWithEventIdx) {
  activate(kMergeableEventIdx);
  post_rx_buffers(1, 2048);
  EXPECT_EQ(device_->deliver_frame(pattern(60, 0)), net::Delivery::kAccepted);
  add_buffers_in_the_window(1, 2048, true);
  EXPECT_EQ(device_->deliver_frame(pattern(60, 1)), net::Delivery::kAccepted);
  ASSERT_TRUE(added_in_window_);
  EXPECT_FALSE(driver_would_notify_);  // the driver saw avail_event 0 while moving 1 -> 2
  EXPECT_EQ(rx_->used_idx(), 2);
  EXPECT_EQ(device_->counters().rx_frames, 2u);
}

TEST_F(ReceiveWakeupTest, BuffersAddedBeforeTheNotificationRequestAreTakenWithoutEventIdx) {
  activate(kMergeable);
  add_buffers_in_the_window(1, 2048, false);
  EXPECT_EQ(device_->deliver_frame(pattern(60, 0)), net::Delivery::kAccepted);
  ASSERT_TRUE(added_in_window_);
  EXPECT_FALSE(driver_would_notify_);  // the device had NO_NOTIFY set
  EXPECT_EQ(rx_->used_idx(), 1);
}

TEST_F(ReceiveWakeupTest, MoreRoomAddedBeforeTheNotificationRequestCompletesAMergeableFrame) {
  activate(kMergeableEventIdx);
  post_rx_buffers(1, 100);
  add_buffers_in_the_window(5, 100, true);  // 600 bytes of room for 512
  EXPECT_EQ(device_->deliver_frame(pattern(500, 0)), net::Delivery::kAccepted);
  ASSERT_TRUE(added_in_window_);
  EXPECT_FALSE(driver_would_notify_);
  EXPECT_EQ(rx_->used_idx(), 6);
  EXPECT_EQ(header_at(kRxData).num_buffers, 6);
}

TEST_F(VirtioNetTest, ReceiveRespectsUsedEvent) {
  activate(kMergeableEventIdx);
  post_rx_buffers(3, 2048);
  rx_->set_used_event(1);
  device_->deliver_frame(pattern(60, 0));  // used idx 0 -> 1: entry 1 not yet used
  EXPECT_EQ(signals_.used, 0);
  device_->deliver_frame(pattern(60, 0));  // 1 -> 2
  EXPECT_EQ(signals_.used, 1);
  device_->deliver_frame(pattern(60, 0));
  EXPECT_EQ(signals_.used, 1);
}

TEST_F(VirtioNetTest, ReceiveIntoADeviceReadableBufferNeedsReset) {
  activate(kMergeable);
  rx_->add_chain({{kRxData, 2048, false}});
  EXPECT_EQ(device_->deliver_frame(pattern(60, 0)), net::Delivery::kNoBuffer);
  ASSERT_EQ(signals_.needs_reset.size(), 1u);
  EXPECT_NE(signals_.needs_reset[0].find("device-readable"), std::string::npos);
  EXPECT_EQ(rx_->used_idx(), 0);
  // The device stays stopped: nothing is read or written any more.
  post_rx_buffers(1, 2048);
  EXPECT_EQ(device_->deliver_frame(pattern(60, 0)), net::Delivery::kNoBuffer);
  queue_frame_for_tx(pattern(60, 1));
  device_->queue_notified(kTx);
  EXPECT_TRUE(backend_.sent().empty());
  EXPECT_EQ(signals_.needs_reset.size(), 1u);
}

TEST_F(VirtioNetTest, MalformedTransmitRingNeedsReset) {
  activate(kMergeable);
  tx_->set_avail_idx(100);
  device_->queue_notified(kTx);
  ASSERT_EQ(signals_.needs_reset.size(), 1u);
  EXPECT_NE(signals_.needs_reset[0].find("more than the queue size"), std::string::npos);
}

TEST_F(VirtioNetTest, LoopInTransmitChainNeedsReset) {
  activate(kMergeable);
  tx_->set_descriptor(0, VirtqDesc{kTxData, 64, kDescNext, 1});
  tx_->set_descriptor(1, VirtqDesc{kTxData, 64, kDescNext, 0});
  tx_->make_available(0);
  device_->queue_notified(kTx);
  ASSERT_EQ(signals_.needs_reset.size(), 1u);
  EXPECT_TRUE(backend_.sent().empty());
}

TEST_F(VirtioNetTest, AfterResetTheQueuesAreLeftAlone) {
  activate(kMergeable);
  device_->reset();
  queue_frame_for_tx(pattern(60, 1));
  device_->queue_notified(kTx);
  post_rx_buffers(1, 2048);
  EXPECT_EQ(device_->deliver_frame(pattern(60, 0)), net::Delivery::kNoBuffer);
  EXPECT_TRUE(backend_.sent().empty());
  EXPECT_EQ(tx_->used_idx(), 0);
  EXPECT_EQ(rx_->used_idx(), 0);
}

TEST_F(VirtioNetTest, ActivationResumesTheBackendAndSendsWhatWasQueued) {
  queue_frame_for_tx(pattern(60, 1));
  activate(kMergeable);
  EXPECT_EQ(backend_.resumes, 1);
  EXPECT_EQ(backend_.sent().size(), 1u);
}

}  // namespace
}  // namespace vmm::virtio
