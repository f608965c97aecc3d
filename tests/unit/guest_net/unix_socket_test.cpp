#include <gtest/gtest.h>

#include <vector>

#include "guest/net/net_stack.h"
#include "test_env.h"

namespace net::test {
namespace {

struct UnixFixture : ::testing::Test {
  TestEnv env;
  NetStack stack{env};
  SocketId p[2] = {-1, -1};
  void SetUp() override {
    ASSERT_EQ(stack.init(), 0);
    ASSERT_EQ(stack.socketpair(kAfUnix, kSockStream, 0, p), 0);
  }
};

TEST_F(UnixFixture, BytesFlowBothWays) {
  EXPECT_EQ(stack.poll(p[0]), kPollOut | kPollWrNorm);
  ASSERT_EQ(stack.send(p[0], "abc", 3, 0), 3);
  EXPECT_EQ(stack.poll(p[1]), kPollIn | kPollRdNorm | kPollOut | kPollWrNorm);
  EXPECT_GT(env.wakes(p[1]), 0u);
  char buf[8];
  EXPECT_EQ(stack.recv(p[1], buf, 2, kMsgPeek), 2);
  EXPECT_EQ(stack.recv(p[1], buf, sizeof buf, 0), 3);
  EXPECT_EQ(std::string(buf, 3), "abc");
  EXPECT_EQ(stack.recv(p[1], buf, sizeof buf, 0), -err::kAgain);
  ASSERT_EQ(stack.send(p[1], "xy", 2, 0), 2);
  EXPECT_EQ(stack.recv(p[0], buf, sizeof buf, 0), 2);
  int type = 0;
  uint32_t len = sizeof type;
  ASSERT_EQ(stack.getsockopt(p[0], kSolSocket, kSoDomain, &type, &len), 0);
  EXPECT_EQ(type, kAfUnix);
}

TEST_F(UnixFixture, FullBufferIsEagainUntilTheReaderDrains) {
  std::vector<uint8_t> big(1 << 20, 1);
  int64_t n = stack.send(p[0], big.data(), big.size(), 0);
  ASSERT_GT(n, 0);
  EXPECT_LT(n, static_cast<int64_t>(big.size()));
  EXPECT_EQ(stack.send(p[0], big.data(), 1, 0), -err::kAgain);
  EXPECT_EQ(stack.poll(p[0]) & kPollOut, 0u);
  std::vector<uint8_t> sink(n);
  EXPECT_EQ(stack.recv(p[1], sink.data(), sink.size(), 0), n);
  EXPECT_TRUE(stack.poll(p[0]) & kPollOut);
}

TEST_F(UnixFixture, ShutdownWriteIsEndOfFileForThePeer) {
  ASSERT_EQ(stack.shutdown(p[0], kShutWr), 0);
  EXPECT_EQ(stack.poll(p[0]), kPollOut | kPollWrNorm);  // as Linux
  EXPECT_EQ(stack.poll(p[1]), kPollIn | kPollRdNorm | kPollRdHup | kPollOut | kPollWrNorm);
  char buf[4];
  EXPECT_EQ(stack.recv(p[1], buf, sizeof buf, 0), 0);
  EXPECT_EQ(stack.send(p[0], "x", 1, 0), -err::kPipe);
  EXPECT_EQ(stack.send(p[1], "y", 1, 0), 1);  // the other direction still works
}

TEST_F(UnixFixture, CloseHangsUpThePeer) {
  ASSERT_EQ(stack.send(p[0], "z", 1, 0), 1);
  ASSERT_EQ(stack.close(p[0]), 0);
  EXPECT_EQ(stack.poll(p[1]) & (kPollHup | kPollIn | kPollRdHup), kPollHup | kPollIn | kPollRdHup);
  char buf[4];
  EXPECT_EQ(stack.recv(p[1], buf, sizeof buf, 0), 1);  // data written before the close
  EXPECT_EQ(stack.recv(p[1], buf, sizeof buf, 0), 0);
  EXPECT_EQ(stack.send(p[1], "x", 1, 0), -err::kPipe);
}

TEST_F(UnixFixture, ClosingWithUnreadDataResetsThePeer) {
  ASSERT_EQ(stack.send(p[1], "unread", 6, 0), 6);
  ASSERT_EQ(stack.close(p[0]), 0);
  EXPECT_TRUE(stack.poll(p[1]) & kPollErr);
  char buf[4];
  EXPECT_EQ(stack.recv(p[1], buf, sizeof buf, 0), -err::kConnReset);
  EXPECT_EQ(stack.recv(p[1], buf, sizeof buf, 0), 0);
}

TEST_F(UnixFixture, InetOnlyCallsAreRefused) {
  SockAddrIn a{};
  a.family = kAfInet;
  EXPECT_EQ(stack.bind(p[0], &a, sizeof a), -err::kInval);
  EXPECT_EQ(stack.connect(p[0], &a, sizeof a), -err::kIsConn);
  EXPECT_EQ(stack.listen(p[0], 1), -err::kOpNotSupp);
  SocketId q[2];
  EXPECT_EQ(stack.socketpair(kAfUnix, kSockDgram, 0, q), -err::kOpNotSupp);
}

}  // namespace
}  // namespace net::test
