// The TCP state machine in one place: RFC 9293 figure 5 as a table, and the
// actions that belong to entering a state. Every state change in the stack
// goes through Tcp::transition().
#include "core.h"

namespace net {

namespace {

using S = TcpState;
constexpr S kNone = static_cast<S>(0xff);  // the event cannot happen in this state

// kTable[state][event]: the next state (RFC 9293 3.3.2 figure 5, with 3.10
// for the transitions the figure leaves implicit: RST and aborts lead to
// CLOSED from every synchronized state; CLOSE in SYN-SENT deletes the TCB).
//
//                ActiveOpen    PassiveOpen Close          ReceiveSyn      ReceiveSynAck  ReceiveAckOfSyn ReceiveFin     ReceiveAckOfFin ReceiveReset TimeWaitTimeout Abort
constexpr S kTable[kTcpStateCount][kTcpEventCount] = {
  /* Closed      */ {S::SynSent, S::Listen, S::Closed,      kNone,          kNone,         kNone,          kNone,         kNone,          S::Closed, kNone,     S::Closed},
  /* Listen      */ {S::SynSent, S::Listen, S::Closed,      S::SynReceived, kNone,         kNone,          kNone,         kNone,          S::Listen, kNone,     S::Closed},
  /* SynSent     */ {kNone,      kNone,     S::Closed,      S::SynReceived, S::Established, kNone,         kNone,         kNone,          S::Closed, kNone,     S::Closed},
  /* SynReceived */ {kNone,      kNone,     S::FinWait1,    kNone,          kNone,         S::Established, kNone,         kNone,          S::Closed, kNone,     S::Closed},
  /* Established */ {kNone,      kNone,     S::FinWait1,    kNone,          kNone,         kNone,          S::CloseWait,  kNone,          S::Closed, kNone,     S::Closed},
  /* FinWait1    */ {kNone,      kNone,     S::FinWait1,    kNone,          kNone,         kNone,          S::Closing,    S::FinWait2,    S::Closed, kNone,     S::Closed},
  /* FinWait2    */ {kNone,      kNone,     S::FinWait2,    kNone,          kNone,         kNone,          S::TimeWait,   kNone,          S::Closed, S::Closed, S::Closed},
  /* CloseWait   */ {kNone,      kNone,     S::LastAck,     kNone,          kNone,         kNone,          kNone,         kNone,          S::Closed, kNone,     S::Closed},
  /* Closing     */ {kNone,      kNone,     S::Closing,     kNone,          kNone,         kNone,          kNone,         S::TimeWait,    S::Closed, kNone,     S::Closed},
  /* LastAck     */ {kNone,      kNone,     S::LastAck,     kNone,          kNone,         kNone,          kNone,         S::Closed,      S::Closed, kNone,     S::Closed},
  /* TimeWait    */ {kNone,      kNone,     S::TimeWait,    kNone,          kNone,         kNone,          S::TimeWait,   kNone,          S::Closed, S::Closed, S::Closed},
};

constexpr const char* kStateNames[kTcpStateCount] = {
    "CLOSED",     "LISTEN",     "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
    "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING",  "LAST-ACK",     "TIME-WAIT",
};

}  // namespace

bool tcp_next_state(TcpState from, TcpEvent event, TcpState* to) {
  auto s = static_cast<unsigned>(from);
  auto e = static_cast<unsigned>(event);
  if (s >= kTcpStateCount || e >= kTcpEventCount || kTable[s][e] == kNone) return false;
  *to = kTable[s][e];
  return true;
}

const char* tcp_state_name(TcpState state) {
  auto s = static_cast<unsigned>(state);
  return s < kTcpStateCount ? kStateNames[s] : "?";
}

void Tcp::transition(TcpConnection& c, TcpEvent event) {
  TcpState from = c.state;
  TcpState to;
  if (!tcp_next_state(from, event, &to)) return;  // not reachable by correct callers
  c.state = to;
  if (to != from) enter_state(c);
}

void Tcp::enter_state(TcpConnection& c) {
  switch (c.state) {
    case TcpState::Established:
      enter_established(c);
      break;
    case TcpState::CloseWait:
      wake(c);  // end of file for the reader
      break;
    case TcpState::FinWait2:
      // Linux tcp_fin_timeout: an orphan does not wait for the peer's FIN forever.
      if (c.orphan()) arm(&c.wait_deadline, core_.config.tcp_fin_wait2_ns);
      wake(c);
      break;
    case TcpState::TimeWait:
      // RFC 9293 3.6: wait 2*MSL; nothing is retransmitted any more.
      stop_timers(c);
      arm(&c.wait_deadline, core_.config.tcp_time_wait_ns);
      release_buffers_if_done(c);
      wake(c);
      break;
    case TcpState::Closed:
      enter_closed(c);
      break;
    default:
      break;
  }
}

void Tcp::enter_established(TcpConnection& c) {
  core_.counters.tcp.established++;
  // RFC 6928: initial window of 10 segments.
  c.cwnd = 10u * c.snd_mss;
  if (c.parent != nullptr && c.parent->listen_queue != nullptr) {
    TcpListenQueue& q = *c.parent->listen_queue;
    q.embryonic.remove(&c);
    q.ready.push_back(&c);
    c.in_ready_queue = true;
    if (c.parent->socket != nullptr) core_.sockets.notify(*c.parent->socket);
    return;
  }
  wake(c);
}

void Tcp::enter_closed(TcpConnection& c) {
  stop_timers(c);
  c.wait_deadline = kNoDeadline;
  c.done = true;
  reap_needed_ = true;
  wake(c);
}

void Tcp::stop_timers(TcpConnection& c) {
  c.retransmit_deadline = kNoDeadline;
  c.persist_deadline = kNoDeadline;
  c.delayed_ack_deadline = kNoDeadline;
}

}  // namespace net
