// TCP connection states and the events that move between them (RFC 9293
// 3.3.2, figure 5). tcp_state.cpp holds the whole state table.
#pragma once

#include <stdint.h>

namespace net {

enum class TcpState : uint8_t {
  Closed,
  Listen,
  SynSent,
  SynReceived,
  Established,
  FinWait1,
  FinWait2,
  CloseWait,
  Closing,
  LastAck,
  TimeWait,
};
inline constexpr int kTcpStateCount = 11;

enum class TcpEvent : uint8_t {
  ActiveOpen,       // connect(): SYN sent
  PassiveOpen,      // listen()
  Close,            // close()/shutdown(SHUT_WR): FIN queued after the data
  ReceiveSyn,       // SYN without ACK (passive open, or simultaneous open)
  ReceiveSynAck,    // SYN,ACK acknowledging our SYN
  ReceiveAckOfSyn,  // ACK of our SYN in SYN-RECEIVED
  ReceiveFin,       // FIN, in sequence
  ReceiveAckOfFin,  // ACK of our FIN
  ReceiveReset,     // acceptable RST
  TimeWaitTimeout,  // 2*MSL expired (or an orphan's FIN-WAIT-2 timeout)
  Abort,            // local abort: retransmission limit, close with unread data
};
inline constexpr int kTcpEventCount = 11;

// The state `event` leads to from `from`; false if the event cannot happen
// in that state (a bug in the caller).
bool tcp_next_state(TcpState from, TcpEvent event, TcpState* to);
const char* tcp_state_name(TcpState state);

// RFC 9293 3.3.2: states after the handshake, in which sequence numbers of
// both sides are known.
inline bool tcp_synchronized(TcpState s) {
  return s != TcpState::Closed && s != TcpState::Listen && s != TcpState::SynSent;
}
// States in which received data is delivered (RFC 9293 3.10.7.4 seventh).
inline bool tcp_accepts_data(TcpState s) {
  return s == TcpState::Established || s == TcpState::FinWait1 || s == TcpState::FinWait2;
}
// States in which the application may still queue data.
inline bool tcp_can_send(TcpState s) {
  return s == TcpState::Established || s == TcpState::CloseWait;
}

}  // namespace net
