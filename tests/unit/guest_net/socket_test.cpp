// The socket layer: creation errors, options, readiness bits, ids.
#include <gtest/gtest.h>

#include <sys/poll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cerrno>

#include "guest/net/core.h"
#include "sim_network.h"

namespace net::test {
namespace {

// The constants are Linux's: the glue passes user values through.
static_assert(kAfInet == AF_INET && kAfUnix == AF_UNIX && kAfUnspec == AF_UNSPEC);
static_assert(kSockStream == SOCK_STREAM && kSockDgram == SOCK_DGRAM);
static_assert(kSockNonblock == SOCK_NONBLOCK && kSockCloexec == SOCK_CLOEXEC);
static_assert(kSolSocket == SOL_SOCKET && kSoReuseAddr == SO_REUSEADDR && kSoError == SO_ERROR);
static_assert(kSoRcvBuf == SO_RCVBUF && kSoSndBuf == SO_SNDBUF && kSoType == SO_TYPE);
static_assert(kSoRcvTimeo == SO_RCVTIMEO && kSoSndTimeo == SO_SNDTIMEO && kSoKeepAlive == SO_KEEPALIVE);
static_assert(kSoBroadcast == SO_BROADCAST && kSoAcceptConn == SO_ACCEPTCONN);
static_assert(kSoDomain == SO_DOMAIN && kSoProtocol == SO_PROTOCOL);
static_assert(kSolTcp == IPPROTO_TCP && kTcpNoDelay == TCP_NODELAY && kTcpMaxSeg == TCP_MAXSEG);
static_assert(kMsgPeek == MSG_PEEK && kMsgDontWait == MSG_DONTWAIT && kMsgTrunc == MSG_TRUNC);
static_assert(kMsgOob == MSG_OOB && kMsgNoSignal == MSG_NOSIGNAL && kMsgWaitAll == MSG_WAITALL);
static_assert(kShutRd == SHUT_RD && kShutWr == SHUT_WR && kShutRdWr == SHUT_RDWR);
static_assert(kPollIn == POLLIN && kPollOut == POLLOUT && kPollErr == POLLERR && kPollHup == POLLHUP);
static_assert(kPollNval == POLLNVAL && kPollRdNorm == POLLRDNORM && kPollWrNorm == POLLWRNORM);
static_assert(kPollRdHup == 0x2000);  // POLLRDHUP needs _GNU_SOURCE
static_assert(err::kAgain == EAGAIN && err::kInProgress == EINPROGRESS && err::kAlready == EALREADY);
static_assert(err::kConnRefused == ECONNREFUSED && err::kConnReset == ECONNRESET);
static_assert(err::kTimedOut == ETIMEDOUT && err::kNotConn == ENOTCONN && err::kIsConn == EISCONN);
static_assert(err::kAddrInUse == EADDRINUSE && err::kAddrNotAvail == EADDRNOTAVAIL);
static_assert(err::kDestAddrReq == EDESTADDRREQ && err::kMsgSize == EMSGSIZE && err::kPipe == EPIPE);
static_assert(err::kNetUnreach == ENETUNREACH && err::kAfNoSupport == EAFNOSUPPORT);
static_assert(err::kOpNotSupp == EOPNOTSUPP && err::kNoProtoOpt == ENOPROTOOPT && err::kDom == EDOM);
static_assert(err::kProtoNoSupport == EPROTONOSUPPORT && err::kSocktNoSupport == ESOCKTNOSUPPORT);
static_assert(err::kConnAborted == ECONNABORTED && err::kMFile == EMFILE && err::kBadF == EBADF);
static_assert(sizeof(MsgHeader) == sizeof(msghdr) && offsetof(MsgHeader, iov) == offsetof(msghdr, msg_iov));
static_assert(offsetof(MsgHeader, flags) == offsetof(msghdr, msg_flags));
static_assert(sizeof(SockAddrIn) == sizeof(sockaddr_in));

struct StackFixture : ::testing::Test {
  TestEnv env;
  NetStack stack{env};
  void SetUp() override { ASSERT_EQ(stack.init(), 0); }
};

TEST_F(StackFixture, SocketCreationErrors) {
  EXPECT_EQ(stack.socket(99, kSockStream, 0), -err::kAfNoSupport);
  EXPECT_EQ(stack.socket(kAfUnix, kSockStream, 0), -err::kAfNoSupport);  // socketpair only
  EXPECT_EQ(stack.socket(kAfInet, 5, 0), -err::kSocktNoSupport);
  EXPECT_EQ(stack.socket(kAfInet, kSockStream, kIpprotoUdp), -err::kProtoNoSupport);
  EXPECT_EQ(stack.socket(kAfInet, kSockDgram, kIpprotoTcp), -err::kProtoNoSupport);
  EXPECT_EQ(stack.socket(kAfInet, kSockStream | 0x40000000, 0), -err::kInval);
  SocketId s = stack.socket(kAfInet, kSockStream | kSockNonblock | kSockCloexec, 0);
  EXPECT_GE(s, 0);
  SocketId pair[2];
  EXPECT_EQ(stack.socketpair(kAfInet, kSockStream, 0, pair), -err::kOpNotSupp);
  EXPECT_EQ(stack.close(s), 0);
}

TEST_F(StackFixture, StaleAndUnknownIds) {
  SocketId s = stack.socket(kAfInet, kSockDgram, 0);
  ASSERT_EQ(stack.close(s), 0);
  EXPECT_EQ(stack.close(s), -err::kBadF);
  EXPECT_EQ(stack.poll(s), kPollNval);
  SocketId t = stack.socket(kAfInet, kSockDgram, 0);  // may reuse the slot
  EXPECT_NE(t, s);
  EXPECT_EQ(stack.send(s, "x", 1, 0), -err::kBadF);
  EXPECT_EQ(stack.poll(-5), kPollNval);
  stack.close(t);
}

TEST_F(StackFixture, UnconnectedTcpErrnoAsLinux) {
  SocketId s = stack.socket(kAfInet, kSockStream, 0);
  char buf[4];
  EXPECT_EQ(stack.send(s, "x", 1, 0), -err::kPipe);
  EXPECT_EQ(stack.recv(s, buf, sizeof buf, 0), -err::kNotConn);
  SockAddrIn a{};
  uint32_t len = sizeof a;
  EXPECT_EQ(stack.getpeername(s, &a, &len), -err::kNotConn);
  ASSERT_EQ(stack.getsockname(s, &a, &len), 0);
  EXPECT_EQ(a.port_be, 0);
  EXPECT_EQ(stack.accept(s, nullptr, nullptr), -err::kInval);
  EXPECT_EQ(stack.poll(s), kPollOut | kPollWrNorm | kPollHup);  // Linux: a fresh socket is "hung up"
  EXPECT_EQ(stack.shutdown(s, kShutRdWr), -err::kNotConn);
  stack.close(s);
}

TEST_F(StackFixture, BufferSizesAreDoubledAndBounded) {
  SocketId s = stack.socket(kAfInet, kSockStream, 0);
  int v = 0;
  uint32_t len = sizeof v;
  ASSERT_EQ(stack.getsockopt(s, kSolSocket, kSoRcvBuf, &v, &len), 0);
  EXPECT_EQ(v, 256 * 1024);
  v = 1000;
  ASSERT_EQ(stack.setsockopt(s, kSolSocket, kSoRcvBuf, &v, sizeof v), 0);
  len = sizeof v;
  stack.getsockopt(s, kSolSocket, kSoRcvBuf, &v, &len);
  EXPECT_EQ(v, 2304);  // SOCK_MIN_RCVBUF
  v = 1000;
  stack.setsockopt(s, kSolSocket, kSoSndBuf, &v, sizeof v);
  stack.getsockopt(s, kSolSocket, kSoSndBuf, &v, &len);
  EXPECT_EQ(v, 4608);  // SOCK_MIN_SNDBUF
  v = 100000;
  stack.setsockopt(s, kSolSocket, kSoRcvBuf, &v, sizeof v);
  stack.getsockopt(s, kSolSocket, kSoRcvBuf, &v, &len);
  EXPECT_EQ(v, 200000);
  v = -1;
  stack.setsockopt(s, kSolSocket, kSoRcvBuf, &v, sizeof v);
  stack.getsockopt(s, kSolSocket, kSoRcvBuf, &v, &len);
  EXPECT_EQ(v, 8 * 1024 * 1024);  // capped at the maximum
  EXPECT_EQ(stack.core().sockets.table.get(s)->tcp->receive_capacity, 4u * 1024 * 1024);
  stack.close(s);
}

TEST_F(StackFixture, OptionErrorsAndReadOnlyOptions) {
  SocketId s = stack.socket(kAfInet, kSockStream, 0);
  int v = 1;
  EXPECT_EQ(stack.setsockopt(s, kSolSocket, 99, &v, sizeof v), -err::kNoProtoOpt);
  EXPECT_EQ(stack.setsockopt(s, kSolSocket, kSoRcvBuf, &v, 2), -err::kInval);
  EXPECT_EQ(stack.setsockopt(s, 255, 1, &v, sizeof v), -err::kNoProtoOpt);
  EXPECT_EQ(stack.setsockopt(s, kSolSocket, kSoType, &v, sizeof v), -err::kNoProtoOpt);
  Timeval tv{0, 2000000};
  EXPECT_EQ(stack.setsockopt(s, kSolSocket, kSoRcvTimeo, &tv, sizeof tv), -err::kDom);
  tv = Timeval{2, 500000};
  ASSERT_EQ(stack.setsockopt(s, kSolSocket, kSoRcvTimeo, &tv, sizeof tv), 0);
  tv = Timeval{0, 250};
  ASSERT_EQ(stack.setsockopt(s, kSolSocket, kSoSndTimeo, &tv, sizeof tv), 0);
  uint64_t rcv = 0, snd = 0;
  ASSERT_EQ(stack.timeouts(s, &rcv, &snd), 0);
  EXPECT_EQ(rcv, 2500000000u);
  EXPECT_EQ(snd, 250000u);
  Timeval out{};
  uint32_t len = sizeof out;
  ASSERT_EQ(stack.getsockopt(s, kSolSocket, kSoRcvTimeo, &out, &len), 0);
  EXPECT_EQ(out.tv_sec, 2);
  EXPECT_EQ(out.tv_usec, 500000);
  len = sizeof v;
  ASSERT_EQ(stack.getsockopt(s, kSolSocket, kSoType, &v, &len), 0);
  EXPECT_EQ(v, kSockStream);
  ASSERT_EQ(stack.getsockopt(s, kSolSocket, kSoProtocol, &v, &len), 0);
  EXPECT_EQ(v, kIpprotoTcp);
  ASSERT_EQ(stack.getsockopt(s, kSolSocket, kSoAcceptConn, &v, &len), 0);
  EXPECT_EQ(v, 0);
  SocketId u = stack.socket(kAfInet, kSockDgram, 0);
  EXPECT_EQ(stack.setsockopt(u, kSolTcp, kTcpNoDelay, &v, sizeof v), -err::kNoProtoOpt);
  stack.close(u);
  stack.close(s);
}

TEST_F(StackFixture, UdpOverLoopbackAndToOurOwnAddress) {
  SocketId a = stack.socket(kAfInet, kSockDgram, 0);
  SocketId b = stack.socket(kAfInet, kSockDgram, 0);
  ASSERT_EQ(bind_socket(stack, b, kIpv4Any, 9000), 0);
  SockAddrIn to = sockaddr_of(make_ipv4(127, 0, 0, 1), 9000);
  ASSERT_EQ(stack.sendto(a, "ping", 4, 0, &to, sizeof to), 4);
  char buf[8];
  SockAddrIn from{};
  uint32_t len = sizeof from;
  ASSERT_EQ(stack.recvfrom(b, buf, sizeof buf, 0, &from, &len), 4);
  EXPECT_EQ(be32_to_host(from.addr_be), make_ipv4(127, 0, 0, 1));
  EXPECT_GT(env.wakes(b), 0u);
  EXPECT_TRUE(env.last_wake_events(b) & kPollIn);
  stack.close(a);
  stack.close(b);
}

TEST_F(StackFixture, PollBitsOfAConnectionThroughItsLife) {
  SocketId l = stack.socket(kAfInet, kSockStream, 0);
  ASSERT_EQ(bind_socket(stack, l, kIpv4Any, 81), 0);
  ASSERT_EQ(stack.listen(l, 2), 0);
  EXPECT_EQ(stack.poll(l), 0u);
  SocketId c = stack.socket(kAfInet, kSockStream, 0);
  ASSERT_EQ(connect_socket(stack, c, make_ipv4(127, 0, 0, 1), 81), -err::kInProgress);
  EXPECT_EQ(stack.poll(l), kPollIn | kPollRdNorm);
  SocketId s = stack.accept(l, nullptr, nullptr);
  ASSERT_GE(s, 0);
  EXPECT_EQ(stack.poll(s), kPollOut | kPollWrNorm);
  ASSERT_EQ(stack.send(c, "data", 4, 0), 4);
  // Data is delayed only by loopback draining: it arrived by now.
  EXPECT_EQ(stack.poll(s), kPollIn | kPollRdNorm | kPollOut | kPollWrNorm);
  ASSERT_EQ(stack.shutdown(c, kShutWr), 0);
  EXPECT_EQ(stack.poll(s), kPollIn | kPollRdNorm | kPollRdHup | kPollOut | kPollWrNorm);
  stack.close(s);  // unread data: RST
  EXPECT_EQ(stack.poll(c) & (kPollErr | kPollHup), kPollErr | kPollHup);
  stack.close(c);
  stack.close(l);
  // Everything freed but the state NetStack keeps for itself.
  EXPECT_EQ(stack.core().tcp.connection_count(), 0u);
}

TEST(StackMemory, EverythingIsReturnedOnDestruction) {
  TestEnv env;
  size_t baseline;
  {
    NetStack stack(env);
    ASSERT_EQ(stack.init(), 0);
    baseline = env.bytes_in_use();
    SocketId l = stack.socket(kAfInet, kSockStream, 0);
    bind_socket(stack, l, kIpv4Any, 80);
    stack.listen(l, 4);
    SocketId c = stack.socket(kAfInet, kSockStream, 0);
    connect_socket(stack, c, make_ipv4(127, 0, 0, 1), 80);
    SocketId u = stack.socket(kAfInet, kSockDgram, 0);
    SockAddrIn to = sockaddr_of(make_ipv4(127, 0, 0, 1), 80);
    bind_socket(stack, u, kIpv4Any, 80);
    stack.sendto(u, "x", 1, 0, &to, sizeof to);  // queued at u itself
    SocketId pair[2];
    stack.socketpair(kAfUnix, kSockStream, 0, pair);
    stack.send(pair[0], "y", 1, 0);
    EXPECT_GT(env.bytes_in_use(), baseline);
  }
  EXPECT_EQ(env.bytes_in_use(), 0u);  // the destructor freed it all (TestEnv checks too)
}

TEST(StackMemory, AllocationFailuresAreErrorsNotCrashes) {
  TestEnv env;
  NetStack stack(env);
  env.fail_next_allocations(1);
  EXPECT_EQ(stack.init(), -err::kNoMem);
  ASSERT_EQ(stack.init(), 0);
  env.fail_next_allocations(1);
  EXPECT_EQ(stack.socket(kAfInet, kSockStream, 0), -err::kNoMem);
  SocketId s = stack.socket(kAfInet, kSockStream, 0);
  ASSERT_GE(s, 0);
  env.fail_next_allocations(1);
  EXPECT_EQ(connect_socket(stack, s, make_ipv4(127, 0, 0, 1), 80), -err::kNoBufs);
  EXPECT_EQ(stack.close(s), 0);
}

TEST(StackMemory, SocketLimitIsEmfile) {
  TestEnv env;
  NetConfig config;
  config.max_sockets = 3;
  NetStack stack(env, config);
  ASSERT_EQ(stack.init(), 0);
  SocketId ids[3];
  for (SocketId& id : ids) ASSERT_GE(id = stack.socket(kAfInet, kSockDgram, 0), 0);
  EXPECT_EQ(stack.socket(kAfInet, kSockDgram, 0), -err::kMFile);
  stack.close(ids[1]);
  EXPECT_GE(stack.socket(kAfInet, kSockDgram, 0), 0);
}

TEST(Counters, VisitorNamesEveryCounter) {
  NetCounters counters;
  counters.tcp.fast_retransmits = 3;
  int visited = 0;
  bool found = false;
  struct Context {
    int* visited;
    bool* found;
  } ctx{&visited, &found};
  visit_counters(counters, [](void* c, const char* group, const char* name, uint64_t value) {
    auto* context = static_cast<Context*>(c);
    ++*context->visited;
    if (std::string(group) == "tcp" && std::string(name) == "fast_retransmits" && value == 3) {
      *context->found = true;
    }
  }, &ctx);
  EXPECT_TRUE(found);
  EXPECT_EQ(visited * sizeof(uint64_t), sizeof(NetCounters));
}

}  // namespace
}  // namespace net::test
