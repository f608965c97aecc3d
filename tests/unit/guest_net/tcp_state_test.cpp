#include <gtest/gtest.h>

#include "guest/net/tcp_state.h"

namespace net {
namespace {

TcpState next(TcpState s, TcpEvent e) {
  TcpState to = TcpState::Closed;
  EXPECT_TRUE(tcp_next_state(s, e, &to)) << tcp_state_name(s) << " event " << static_cast<int>(e);
  return to;
}

TEST(TcpStateTable, Rfc9293Figure5) {
  using S = TcpState;
  using E = TcpEvent;
  EXPECT_EQ(next(S::Closed, E::PassiveOpen), S::Listen);
  EXPECT_EQ(next(S::Closed, E::ActiveOpen), S::SynSent);
  EXPECT_EQ(next(S::Listen, E::ReceiveSyn), S::SynReceived);
  EXPECT_EQ(next(S::Listen, E::Close), S::Closed);
  EXPECT_EQ(next(S::SynSent, E::ReceiveSyn), S::SynReceived);
  EXPECT_EQ(next(S::SynSent, E::ReceiveSynAck), S::Established);
  EXPECT_EQ(next(S::SynSent, E::Close), S::Closed);
  EXPECT_EQ(next(S::SynReceived, E::ReceiveAckOfSyn), S::Established);
  EXPECT_EQ(next(S::SynReceived, E::Close), S::FinWait1);
  EXPECT_EQ(next(S::Established, E::Close), S::FinWait1);
  EXPECT_EQ(next(S::Established, E::ReceiveFin), S::CloseWait);
  EXPECT_EQ(next(S::FinWait1, E::ReceiveAckOfFin), S::FinWait2);
  EXPECT_EQ(next(S::FinWait1, E::ReceiveFin), S::Closing);
  EXPECT_EQ(next(S::FinWait2, E::ReceiveFin), S::TimeWait);
  EXPECT_EQ(next(S::CloseWait, E::Close), S::LastAck);
  EXPECT_EQ(next(S::Closing, E::ReceiveAckOfFin), S::TimeWait);
  EXPECT_EQ(next(S::LastAck, E::ReceiveAckOfFin), S::Closed);
  EXPECT_EQ(next(S::TimeWait, E::TimeWaitTimeout), S::Closed);
}

TEST(TcpStateTable, ResetAndAbortCloseEverySynchronizedState) {
  for (int s = static_cast<int>(TcpState::SynSent); s < kTcpStateCount; ++s) {
    EXPECT_EQ(next(static_cast<TcpState>(s), TcpEvent::ReceiveReset), TcpState::Closed);
    EXPECT_EQ(next(static_cast<TcpState>(s), TcpEvent::Abort), TcpState::Closed);
  }
}

TEST(TcpStateTable, ImpossibleEventsAreRejected) {
  TcpState to;
  EXPECT_FALSE(tcp_next_state(TcpState::Closed, TcpEvent::ReceiveFin, &to));
  EXPECT_FALSE(tcp_next_state(TcpState::Listen, TcpEvent::ReceiveAckOfFin, &to));
  EXPECT_FALSE(tcp_next_state(TcpState::Established, TcpEvent::ReceiveSynAck, &to));
  EXPECT_FALSE(tcp_next_state(TcpState::CloseWait, TcpEvent::ReceiveFin, &to));
  EXPECT_FALSE(tcp_next_state(static_cast<TcpState>(99), TcpEvent::Close, &to));
}

TEST(TcpStateTable, Names) {
  EXPECT_STREQ(tcp_state_name(TcpState::TimeWait), "TIME-WAIT");
  EXPECT_STREQ(tcp_state_name(TcpState::SynReceived), "SYN-RECEIVED");
}

}  // namespace
}  // namespace net
