// A NetBackend for the shared-memory device's tests, safe to inspect from
// the test thread while the poller thread uses it: records what the guest
// sent, can answer a frame on the spot (as slirp answers ARP), and delivers
// frames for the guest on its io_context's thread, as a socket handler would.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <mutex>
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
      sent_.emplace_back(frame.begin(), frame.end());
    }
    if (echo) answer(receiver_->deliver_frame(frame));
    return net::SendResult::kSent;
  }
  void resume_receive() override { resumes.fetch_add(1); }
  net::BackendCounters counters() const override { return {}; }

  // From any thread: the frame reaches the receiver on the context's thread.
  void deliver_from_host(std::vector<uint8_t> frame) {
    boost::asio::post(*context_, [this, frame = std::move(frame)] { answer(receiver_->deliver_frame(frame)); });
  }

  std::vector<std::vector<uint8_t>> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }
  std::vector<net::Delivery> answers() const {
    std::lock_guard lock(mutex_);
    return answers_;
  }
  size_t answer_count() const {
    std::lock_guard lock(mutex_);
    return answers_.size();
  }

  bool echo = false;  // set before the poller starts
  std::atomic<int> resumes{0};

 private:
  void answer(net::Delivery d) {
    std::lock_guard lock(mutex_);
    answers_.push_back(d);
  }

  boost::asio::io_context* context_ = nullptr;
  net::FrameReceiver* receiver_ = nullptr;
  mutable std::mutex mutex_;
  std::vector<std::vector<uint8_t>> sent_;
  std::vector<net::Delivery> answers_;
};

}  // namespace vmm::testing
