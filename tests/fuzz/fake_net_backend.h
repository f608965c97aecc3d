// A NetBackend for the virtio fuzz targets. Like the real ones it may answer
// a transmitted frame on the spot (libslirp replies to ARP and ICMP inside
// send_frame), by calling the device's deliver_frame() re-entrantly; the
// input decides whether it does, and whether sends fail.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "hostnet/net_backend.h"

namespace vmm::fuzz {

class FakeNetBackend : public net::NetBackend {
 public:
  std::string_view kind() const override { return "fuzz"; }
  Result<void> attach(boost::asio::io_context&, net::FrameReceiver& receiver) override {
    receiver_ = &receiver;
    return ok();
  }
  net::SendResult send_frame(std::span<const uint8_t> frame) override {
    ++sent;
    bytes_sent += frame.size();
    if (reply_on_send && receiver_) {
      // Echo the frame back, as a loopback peer would.
      reply_.assign(frame.begin(), frame.end());
      (void)receiver_->deliver_frame(reply_);
    }
    return fail_sends ? net::SendResult::kDropped : net::SendResult::kSent;
  }
  void resume_receive() override { ++resumes; }
  net::BackendCounters counters() const override { return {}; }

  bool reply_on_send = false;
  bool fail_sends = false;
  uint64_t sent = 0, bytes_sent = 0, resumes = 0;

 private:
  net::FrameReceiver* receiver_ = nullptr;
  std::vector<uint8_t> reply_;
};

}  // namespace vmm::fuzz
