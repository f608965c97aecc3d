// `--net tap,ifname=NAME`: frames go to and come from a host tap interface.
// Back-pressure is real: when the receiver has no buffer the backend keeps
// that one frame and stops reading the tap until resume_receive(); the
// kernel queues (and, past the interface's txqueuelen, drops) the rest.
#pragma once

#include <boost/asio/posix/stream_descriptor.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hostnet/net_backend.h"
#include "hv/core/alive_token.h"
#include "hv/core/log_once.h"
#include "hv/core/relaxed_counter.h"
#include "hv/kvm/file_descriptor.h"

namespace vmm::net {

class TapBackend final : public NetBackend {
 public:
  static Result<std::unique_ptr<TapBackend>> open(const std::string& ifname);
  // Over an already open tap-like fd (tests use a socketpair).
  explicit TapBackend(FileDescriptor fd) : fd_(std::move(fd)) {}

  std::string_view kind() const override { return "tap"; }
  Result<void> attach(boost::asio::io_context& context, FrameReceiver& receiver) override;
  SendResult send_frame(std::span<const uint8_t> frame) override;
  void resume_receive() override;
  BackendCounters counters() const override;

 private:
  void wait_readable();
  void read_frames();
  bool offer(std::span<const uint8_t> frame);

  FileDescriptor fd_;  // owned here until attach() hands it to descriptor_
  std::optional<boost::asio::posix::stream_descriptor> descriptor_;
  boost::asio::io_context* context_ = nullptr;
  FrameReceiver* receiver_ = nullptr;
  std::vector<uint8_t> buffer_;
  std::optional<std::vector<uint8_t>> held_;  // refused by the receiver; offered again on resume
  bool waiting_ = false;
  virtio::RelaxedCounter rx_errors_, tx_errors_;
  virtio::LogOnce log_once_;
  virtio::AliveToken alive_;
};

}  // namespace vmm::net
