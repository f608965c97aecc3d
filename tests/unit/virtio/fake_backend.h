// A NetBackend for device tests: records the frames the device sends and
// whether the device asked it to resume delivering.
#pragma once

#include <vector>

#include "hostnet/net_backend.h"

namespace vmm::virtio::testing {

class RecordingBackend : public net::NetBackend {
 public:
  std::string_view kind() const override { return "fake"; }
  Result<void> attach(boost::asio::io_context&, net::FrameReceiver& receiver) override {
    this->receiver = &receiver;
    return ok();
  }
  net::SendResult send_frame(std::span<const uint8_t> frame) override {
    sent.emplace_back(frame.begin(), frame.end());
    return fail_sends ? net::SendResult::kDropped : net::SendResult::kSent;
  }
  void resume_receive() override { ++resumes; }
  net::BackendCounters counters() const override { return {}; }

  net::FrameReceiver* receiver = nullptr;
  std::vector<std::vector<uint8_t>> sent;
  bool fail_sends = false;
  int resumes = 0;
};

}  // namespace vmm::virtio::testing
