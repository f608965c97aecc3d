// The network device on its own device thread, raced by a driver thread on
// both queues at once, as a guest's vCPU races the VMM: 20,000 frames each
// way through a backend that only offers frames again when the device says
// so. Nothing may be lost, reordered or corrupted, and neither side may wait
// for a notification or interrupt that never comes: every wait is bounded,
// and running into the bound fails the test instead of hanging it.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <future>
#include <mutex>
#include <thread>

#include "tests/unit/virtio/racing_driver_queue.h"
#include "virtio/net/virtio_net.h"
#include "virtio/spec.h"

namespace vmm::virtio {
namespace {

using namespace std::chrono_literals;
using testing::RacingDriverQueue;

constexpr uint32_t kFramesEachWay = 20000;
constexpr uint16_t kStressQueueSize = 256;
constexpr uint64_t kStressRxRing = 0x10000, kStressTxRing = 0x20000;
constexpr uint64_t kStressRxData = 0x100000, kStressTxData = 0x200000;
constexpr uint32_t kRxBufferBytes = 1024;  // small: most frames span 2-3 chains
constexpr uint32_t kTxBufferBytes = 2048;
constexpr size_t kNetHeader = sizeof(net_spec::Header);
// No single wait may take this long; the whole run takes well under a second.
constexpr auto kStuckAfter = 20s;
constexpr auto kRunDeadline = 60s;

// Frame `seq` of a direction: its sequence number, then a pattern; sizes vary
// so that receive frames need one to three of the driver's chains.
std::vector<uint8_t> stress_frame(uint32_t seq, bool to_guest) {
  size_t size = to_guest ? 60 + (seq * 37u) % 2900 : 60 + (seq * 53u) % 1455;
  std::vector<uint8_t> frame(size);
  std::memcpy(frame.data(), &seq, sizeof seq);
  for (size_t i = sizeof seq; i < size; ++i) frame[i] = static_cast<uint8_t>(seq + i + to_guest);
  return frame;
}

// Offers frames for the guest in batches, on the device thread, and only
// again after the device's resume_receive(): a lost receive wakeup stalls it.
class PacedBackend : public net::NetBackend {
 public:
  std::string_view kind() const override { return "stress"; }
  Result<void> attach(boost::asio::io_context& context, net::FrameReceiver& receiver) override {
    context_ = &context;
    receiver_ = &receiver;
    return ok();
  }
  net::SendResult send_frame(std::span<const uint8_t> frame) override {
    std::vector<uint8_t> expected = stress_frame(sent_, false);
    if (!std::equal(frame.begin(), frame.end(), expected.begin(), expected.end())) ++tx_mismatches_;
    ++sent_;
    return net::SendResult::kSent;
  }
  void resume_receive() override {
    if (delivery_posted_ || offered_ == kFramesEachWay) return;
    delivery_posted_ = true;
    boost::asio::post(*context_, [this] { deliver_batch(); });
  }
  net::BackendCounters counters() const override { return {}; }

  // Device thread, or after it stopped.
  uint32_t sent() const { return sent_; }
  uint32_t tx_mismatches() const { return tx_mismatches_; }
  uint32_t offered() const { return offered_; }

 private:
  // Up to 32 frames, then the next batch in a later handler, so that
  // transmit and notifications interleave with receive as they would.
  void deliver_batch() {
    delivery_posted_ = false;
    for (int i = 0; i < 32 && offered_ < kFramesEachWay; ++i) {
      if (receiver_->deliver_frame(stress_frame(offered_, true)) == net::Delivery::kNoBuffer)
        return;  // until resume_receive()
      ++offered_;
    }
    resume_receive();
  }

  boost::asio::io_context* context_ = nullptr;
  net::FrameReceiver* receiver_ = nullptr;
  bool delivery_posted_ = false;
  uint32_t offered_ = 0, sent_ = 0, tx_mismatches_ = 0;
};

// The interrupt line: the device thread raises, the driver thread waits.
class InterruptLine : public DeviceSignals {
 public:
  void notify_used_buffers() override {
    std::lock_guard lock(mutex_);
    ++raised_;
    changed_.notify_all();
  }
  void notify_config_changed() override {}
  void device_needs_reset(const std::string& why) override {
    std::lock_guard lock(mutex_);
    needs_reset_ = why;
    changed_.notify_all();
  }
  uint64_t raised() {
    std::lock_guard lock(mutex_);
    return raised_;
  }
  // False when nothing was raised since `seen` for `timeout`.
  bool wait_past(uint64_t seen, std::chrono::nanoseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return raised_ != seen || !needs_reset_.empty(); });
  }
  std::string needs_reset() {
    std::lock_guard lock(mutex_);
    return needs_reset_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t raised_ = 0;
  std::string needs_reset_;
};

class VirtioNetStressTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    auto memory = GuestMemory::create(4 << 20);
    ASSERT_TRUE(memory.ok());
    memory_ = std::make_unique<GuestMemory>(std::move(*memory));
    rx_ = std::make_unique<RacingDriverQueue>(*memory_, kStressQueueSize, kStressRxRing, event_idx());
    tx_ = std::make_unique<RacingDriverQueue>(*memory_, kStressQueueSize, kStressTxRing, event_idx());
    device_ = std::make_unique<VirtioNet>(*memory_, backend_, net::default_mac(0), context_);
    ASSERT_TRUE(backend_.attach(context_, *device_).ok());
    for (uint16_t id = 0; id < kStressQueueSize; ++id) {
      rx_->set_descriptor(id, VirtqDesc{kStressRxData + id * kRxBufferBytes, kRxBufferBytes, kDescWrite, 0});
      free_tx_.push_back(id);
    }
    // The device thread pauses where a receive pop found the ring empty,
    // before it asks for a notification, as a preempted VMM thread would:
    // the driver thread then often adds buffers inside that window.
    device_->set_rx_ring_empty_hook_for_testing([] { std::this_thread::sleep_for(20us); });
    device_thread_ = std::thread([this] { context_.run(); });
  }

  void TearDown() override {
    work_.reset();
    context_.stop();
    if (device_thread_.joinable()) device_thread_.join();
  }

  bool event_idx() const { return GetParam(); }

  void activate() {
    uint64_t features = kFeatureVersion1 | net_spec::kFeatureMergeRxBuffers |
                        (event_idx() ? kFeatureEventIdx : 0);
    auto queues = std::make_shared<ActiveQueues>(2);
    (*queues)[net_spec::kReceiveQueue].emplace(
        std::move(*Virtqueue::create(*memory_, rx_->layout(), kStressQueueSize, features)));
    (*queues)[net_spec::kTransmitQueue].emplace(
        std::move(*Virtqueue::create(*memory_, tx_->layout(), kStressQueueSize, features)));
    boost::asio::post(context_, [this, features, queues] {
      device_->activate(Activation{features, std::move(*queues), &interrupts_});
    });
  }

  // The driver's kick: a QueueNotify handed to the device thread, as the
  // ioeventfd or the vCPU's MMIO exit does.
  void notify(uint16_t queue) {
    ++kicks_;
    boost::asio::post(context_, [this, queue] { device_->queue_notified(queue); });
  }

  bool refill_rx() {
    uint16_t old_idx = rx_->avail_idx();
    while (static_cast<uint16_t>(rx_->avail_idx() - rx_->last_used()) < kStressQueueSize)
      rx_->offer(static_cast<uint16_t>(rx_->avail_idx() % kStressQueueSize));
    if (rx_->avail_idx() == old_idx) return false;
    if (rx_->notification_needed(old_idx)) notify(net_spec::kReceiveQueue);
    return true;
  }

  // Reads used receive chains, reassembling frames across num_buffers chains.
  bool drain_rx() {
    bool progress = false;
    while (auto used = rx_->next_used()) {
      progress = true;
      std::vector<uint8_t> bytes(used->len);
      EXPECT_TRUE(memory_->read(kStressRxData + used->id * kRxBufferBytes, bytes).ok());
      if (chains_left_ == 0) {
        if (bytes.size() < kNetHeader) return fail("a used receive chain shorter than the header");
        net_spec::Header header;
        std::memcpy(&header, bytes.data(), sizeof header);
        chains_left_ = header.num_buffers;
        if (chains_left_ == 0) return fail("num_buffers 0");
        bytes.erase(bytes.begin(), bytes.begin() + kNetHeader);
      }
      assembling_.insert(assembling_.end(), bytes.begin(), bytes.end());
      if (--chains_left_ > 0) continue;
      if (assembling_ != stress_frame(received_, true)) ++rx_mismatches_;
      ++received_;
      assembling_.clear();
    }
    return progress;
  }

  bool fill_tx() {
    uint16_t old_idx = tx_->avail_idx();
    while (queued_for_tx_ < kFramesEachWay && !free_tx_.empty()) {
      uint16_t id = free_tx_.back();
      free_tx_.pop_back();
      std::vector<uint8_t> chain(kNetHeader, 0);
      std::vector<uint8_t> frame = stress_frame(queued_for_tx_++, false);
      chain.insert(chain.end(), frame.begin(), frame.end());
      uint64_t gpa = kStressTxData + id * kTxBufferBytes;
      EXPECT_TRUE(memory_->write(gpa, chain).ok());
      tx_->set_descriptor(id, VirtqDesc{gpa, static_cast<uint32_t>(chain.size()), 0, 0});
      tx_->offer(id);
    }
    if (tx_->avail_idx() == old_idx) return false;
    if (tx_->notification_needed(old_idx)) notify(net_spec::kTransmitQueue);
    return true;
  }

  bool drain_tx() {
    bool progress = false;
    while (auto used = tx_->next_used()) {
      progress = true;
      free_tx_.push_back(static_cast<uint16_t>(used->id));
      ++tx_returned_;
    }
    return progress;
  }

  bool done() const { return received_ == kFramesEachWay && tx_returned_ == kFramesEachWay; }

  bool fail(const std::string& why) {
    failure_ = why;
    return false;
  }

  std::string where() const {
    return "received " + std::to_string(received_) + ", transmit chains returned " +
           std::to_string(tx_returned_) + ", kicks " + std::to_string(kicks_);
  }

  // The driver thread's loop (this thread): refill, drain, and sleep only
  // after asking for an interrupt and looking once more.
  void run_driver() {
    auto deadline = std::chrono::steady_clock::now() + kRunDeadline;
    while (!done() && failure_.empty()) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "too slow: " << where();
      uint64_t seen = interrupts_.raised();
      bool progress = drain_rx();
      progress |= drain_tx();
      progress |= refill_rx();
      progress |= fill_tx();
      if (progress || done()) continue;
      bool rx_used = rx_->arm_interrupt_and_recheck();
      bool tx_used = tx_->arm_interrupt_and_recheck();
      if (rx_used || tx_used) continue;
      ASSERT_TRUE(interrupts_.wait_past(seen, kStuckAfter))
          << "no interrupt for " << kStuckAfter.count() << " s: stuck at " << where();
      ASSERT_EQ(interrupts_.needs_reset(), "");
    }
    ASSERT_EQ(failure_, "") << where();
  }

  // The device thread still answers.
  void expect_device_thread_responsive() {
    std::promise<void> ran;
    boost::asio::post(context_, [&] { ran.set_value(); });
    EXPECT_EQ(ran.get_future().wait_for(kStuckAfter), std::future_status::ready);
  }

  boost::asio::io_context context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(context_);
  std::unique_ptr<GuestMemory> memory_;
  std::unique_ptr<RacingDriverQueue> rx_, tx_;
  PacedBackend backend_;
  InterruptLine interrupts_;
  std::unique_ptr<VirtioNet> device_;
  std::thread device_thread_;

  // Driver-thread state.
  std::vector<uint16_t> free_tx_;
  uint32_t queued_for_tx_ = 0, tx_returned_ = 0, received_ = 0, rx_mismatches_ = 0;
  uint16_t chains_left_ = 0;
  std::vector<uint8_t> assembling_;
  uint64_t kicks_ = 0;
  std::string failure_;
};

TEST_P(VirtioNetStressTest, BothQueuesRacedByADriverThreadLoseNothingAndNeverStall) {
  auto start = std::chrono::steady_clock::now();
  activate();
  run_driver();
  expect_device_thread_responsive();
  work_.reset();
  context_.stop();
  device_thread_.join();
  EXPECT_EQ(rx_mismatches_, 0u);
  EXPECT_EQ(backend_.sent(), kFramesEachWay);
  EXPECT_EQ(backend_.tx_mismatches(), 0u);
  NetDeviceCounters counters = device_->counters();
  EXPECT_EQ(counters.rx_frames, kFramesEachWay);
  EXPECT_EQ(counters.tx_frames, kFramesEachWay);
  EXPECT_EQ(counters.rx_dropped_ring_too_small, 0u);
  EXPECT_EQ(counters.tx_dropped_malformed, 0u);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  std::printf("%u frames in, %u out in %lld ms, %llu kicks, %llu interrupts, receive waited %llu times\n",
              received_, backend_.sent(), static_cast<long long>(took.count()),
              static_cast<unsigned long long>(kicks_),
              static_cast<unsigned long long>(interrupts_.raised()),
              static_cast<unsigned long long>(counters.rx_waits_for_buffers));
}

INSTANTIATE_TEST_SUITE_P(EventIdx, VirtioNetStressTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("WithEventIdx") : std::string("WithoutEventIdx");
                         });

}  // namespace
}  // namespace vmm::virtio
