// The tap backend over a socketpair standing in for /dev/net/tun (both keep
// frame boundaries): frames flow both ways, and a full receiver stops the
// reading until it resumes, without losing the frame it refused.
#include "hostnet/tap_backend.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include "hostnet/tap_interface.h"

namespace vmm::net {
namespace {

class CountingReceiver : public FrameReceiver {
 public:
  Delivery deliver_frame(std::span<const uint8_t> frame) override {
    ++offers;
    if (full) return Delivery::kNoBuffer;
    frames.emplace_back(frame.begin(), frame.end());
    return Delivery::kAccepted;
  }
  bool full = false;
  int offers = 0;
  std::vector<std::vector<uint8_t>> frames;
};

class TapBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int fds[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, fds), 0);
    host_side_ = fds[1];
    backend_ = std::make_unique<TapBackend>(FileDescriptor(fds[0]));
    ASSERT_TRUE(backend_->attach(context_, receiver_).ok());
  }
  void TearDown() override { close(host_side_); }

  void host_sends(std::vector<uint8_t> frame) {
    ASSERT_EQ(write(host_side_, frame.data(), frame.size()), ssize_t(frame.size()));
  }
  void run() {
    context_.restart();
    context_.poll();
  }

  boost::asio::io_context context_;
  CountingReceiver receiver_;
  std::unique_ptr<TapBackend> backend_;
  int host_side_ = -1;
};

TEST_F(TapBackendTest, FramesFromTheHostReachTheReceiver) {
  host_sends({1, 2, 3});
  host_sends({4, 5});
  run();
  ASSERT_EQ(receiver_.frames.size(), 2u);
  EXPECT_EQ(receiver_.frames[1], (std::vector<uint8_t>{4, 5}));
}

TEST_F(TapBackendTest, SentFramesReachTheHost) {
  std::vector<uint8_t> frame = {9, 8, 7, 6};
  EXPECT_EQ(backend_->send_frame(frame), SendResult::kSent);
  uint8_t buffer[16];
  EXPECT_EQ(read(host_side_, buffer, sizeof buffer), 4);
  EXPECT_EQ(buffer[0], 9);
}

TEST_F(TapBackendTest, FullReceiverStopsReadingUntilResumed) {
  receiver_.full = true;
  host_sends({1});
  host_sends({2});
  run();
  EXPECT_EQ(receiver_.offers, 1);  // the second frame stays in the tap
  run();
  EXPECT_EQ(receiver_.offers, 1);
  receiver_.full = false;
  backend_->resume_receive();
  run();
  ASSERT_EQ(receiver_.frames.size(), 2u);
  EXPECT_EQ(receiver_.frames[0], (std::vector<uint8_t>{1}));
  EXPECT_EQ(receiver_.frames[1], (std::vector<uint8_t>{2}));
}

TEST_F(TapBackendTest, SendFailureIsCounted) {
  close(host_side_);
  host_side_ = socket(AF_UNIX, SOCK_STREAM, 0);  // something for TearDown to close
  EXPECT_EQ(backend_->send_frame(std::vector<uint8_t>{1}), SendResult::kDropped);
  EXPECT_EQ(backend_->counters().tx_errors, 1u);
}

TEST(TapInterface, BadNamesAreErrorsNamingNet) {
  auto opened = open_tap_interface("much-too-long-interface-name");
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("--net tap,ifname="), std::string::npos);
}

}  // namespace
}  // namespace vmm::net
