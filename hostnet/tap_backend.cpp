#include "hostnet/tap_backend.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>

#include "hostnet/tap_interface.h"

namespace vmm::net {

namespace {
// One read returns one frame; room for the largest a tap can carry (64 KiB
// plus the Ethernet header and a VLAN tag).
constexpr size_t kMaxFrameBytes = 65536 + 18;
constexpr unsigned kFramesPerTurn = 64;
}  // namespace

Result<std::unique_ptr<TapBackend>> TapBackend::open(const std::string& ifname) {
  FileDescriptor fd = VMM_TRY(open_tap_interface(ifname));
  return std::make_unique<TapBackend>(std::move(fd));
}

Result<void> TapBackend::attach(boost::asio::io_context& context, FrameReceiver& receiver) {
  if (context_) return make_error("--net tap: backend attached twice");
  boost::system::error_code error;
  descriptor_.emplace(context);
  descriptor_->assign(fd_.get(), error);
  if (error) return make_error("--net tap: " + error.message());
  fd_.release();  // the descriptor closes it now
  context_ = &context;
  receiver_ = &receiver;
  buffer_.resize(kMaxFrameBytes);
  wait_readable();
  return ok();
}

SendResult TapBackend::send_frame(std::span<const uint8_t> frame) {
  int fd = descriptor_ ? descriptor_->native_handle() : fd_.get();
  ssize_t n = ::write(fd, frame.data(), frame.size());
  if (n == static_cast<ssize_t>(frame.size())) return SendResult::kSent;
  tx_errors_.add();
  if (log_once_.first_time("write"))
    spdlog::warn("--net tap: write failed: {}", n < 0 ? std::strerror(errno) : "short write");
  return SendResult::kDropped;
}

void TapBackend::wait_readable() {
  if (waiting_ || held_) return;
  waiting_ = true;
  descriptor_->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                          [this](const boost::system::error_code& error) {
                            if (error) return;  // closed
                            waiting_ = false;
                            read_frames();
                          });
}

// Reads until the tap is empty or the receiver is full, a bounded number of
// frames per turn so that a flood from the host cannot monopolise the thread.
void TapBackend::read_frames() {
  int fd = descriptor_->native_handle();
  for (unsigned budget = kFramesPerTurn; budget > 0; --budget) {
    if (held_) return;  // resume_receive() starts reading again
    ssize_t n = ::read(fd, buffer_.data(), buffer_.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      rx_errors_.add();
      if (log_once_.first_time("read")) spdlog::warn("--net tap: read failed: {}", std::strerror(errno));
    }
    if (n < 0) return wait_readable();
    offer(std::span(buffer_.data(), static_cast<size_t>(n)));
  }
  boost::asio::post(*context_, virtio::guarded(alive_, [this] { read_frames(); }));
}

bool TapBackend::offer(std::span<const uint8_t> frame) {
  if (receiver_->deliver_frame(frame) == Delivery::kAccepted) return true;
  held_.emplace(frame.begin(), frame.end());
  return false;
}

void TapBackend::resume_receive() {
  if (!held_ || !context_) return;
  boost::asio::post(*context_, virtio::guarded(alive_, [this] {
    if (!held_) return;
    std::vector<uint8_t> frame = std::move(*held_);
    held_.reset();
    if (offer(frame)) read_frames();
  }));
}

BackendCounters TapBackend::counters() const {
  BackendCounters counters;
  counters.rx_errors = rx_errors_.get();
  counters.tx_errors = tx_errors_.get();
  return counters;
}

}  // namespace vmm::net
