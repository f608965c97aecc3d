// The one NetBackend for device tests and fuzz targets. It records what the
// device sent (counts always; the frames unless keep_frames is off, as the
// fuzz targets want, whose heap is budgeted), can refuse sends, can answer a
// frame on the spot by delivering it back re-entrantly (as libslirp answers
// ARP and ICMP inside send_frame), and delivers frames for the guest on its
// io_context's thread, as a socket handler would. Safe to inspect from the
// test thread while a device or poller thread uses it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "hostnet/net_backend.h"

namespace vmm::testing {

class FakeNetBackend : public net::NetBackend {
 public:
  std::string_view kind() const override { return "fake"; }
  Result<void> attach(boost::asio::io_context& context, net::FrameReceiver& receiver) override {
    context_ = &context;
    receiver_ = &receiver;
    return ok();
  }
  net::SendResult send_frame(std::span<const uint8_t> frame) override {
    {
      std::lock_guard lock(mutex_);
      ++sent_count_;
      bytes_sent_ += frame.size();
      if (keep_frames) sent_.emplace_back(frame.begin(), frame.end());
    }
    // A copy: delivering may overwrite the memory `frame` points into.
    if (echo && receiver_) answer(receiver_->deliver_frame(std::vector<uint8_t>(frame.begin(), frame.end())));
    return fail_sends ? net::SendResult::kDropped : net::SendResult::kSent;
  }
  void resume_receive() override { resumes.fetch_add(1); }
  net::BackendCounters counters() const override { return {}; }

  // From any thread: the frame reaches the receiver on the context's thread.
  void deliver_from_host(std::vector<uint8_t> frame) {
    boost::asio::post(*context_, [this, frame = std::move(frame)] { answer(receiver_->deliver_frame(frame)); });
  }
  // The frames one after another in one handler, as libslirp delivers a
  // burst inside one poll: nothing on the context's thread runs between them.
  void deliver_burst_from_host(std::vector<std::vector<uint8_t>> frames) {
    boost::asio::post(*context_, [this, frames = std::move(frames)] {
      for (const auto& frame : frames) answer(receiver_->deliver_frame(frame));
    });
  }

  net::FrameReceiver* receiver() const { return receiver_; }
  std::vector<std::vector<uint8_t>> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }
  uint64_t sent_count() const {
    std::lock_guard lock(mutex_);
    return sent_count_;
  }
  uint64_t bytes_sent() const {
    std::lock_guard lock(mutex_);
    return bytes_sent_;
  }
  std::vector<net::Delivery> answers() const {
    std::lock_guard lock(mutex_);
    return answers_;
  }
  size_t answer_count() const {
    std::lock_guard lock(mutex_);
    return answers_.size();
  }

  // Set before the device or poller starts.
  bool echo = false;        // deliver every sent frame straight back
  bool fail_sends = false;  // send_frame reports kDropped (the frame is still recorded)
  bool keep_frames = true;  // record frames and answers, not only the counts
  std::atomic<int> resumes{0};

 private:
  void answer(net::Delivery d) {
    std::lock_guard lock(mutex_);
    if (keep_frames) answers_.push_back(d);
  }

  boost::asio::io_context* context_ = nullptr;
  net::FrameReceiver* receiver_ = nullptr;
  mutable std::mutex mutex_;
  std::vector<std::vector<uint8_t>> sent_;
  uint64_t sent_count_ = 0;
  uint64_t bytes_sent_ = 0;
  std::vector<net::Delivery> answers_;
};

}  // namespace vmm::testing
