// The four timers of a connection: retransmission (RFC 6298), persist
// (zero-window probes, RFC 9293 3.8.6.1), delayed ACK (RFC 1122 4.2.3.2),
// and TIME-WAIT (RFC 9293 3.6) which also bounds an orphan's FIN-WAIT-2.
#include "core.h"
#include "net_errno.h"

namespace net {

void Tcp::arm(uint64_t* deadline, uint64_t delay_ns) {
  *deadline = core_.now() + delay_ns;
  core_.note_deadline(*deadline);
}

void Tcp::restart_retransmit_timer(TcpConnection& c) { arm(&c.retransmit_deadline, c.rto.rto()); }

void Tcp::tick(uint64_t now) {
  // Nothing is freed during the pass (reap() runs after it).
  for (TcpConnection* c = connections_.front(); c != nullptr; c = connections_.next(c)) {
    if (c->delayed_ack_deadline <= now) {
      c->delayed_ack_deadline = kNoDeadline;
      c->ack_now = true;
      core_.counters.tcp.delayed_acks++;
      output(*c);
    }
    if (c->retransmit_deadline <= now) on_retransmit_timeout(*c);
    if (c->persist_deadline <= now) on_persist_timeout(*c);
    if (c->wait_deadline <= now) on_wait_timeout(*c);
  }
  reap();
}

uint64_t Tcp::next_deadline() const {
  uint64_t earliest = kNoDeadline;
  for (TcpConnection* c = connections_.front(); c != nullptr; c = connections_.next(c)) {
    earliest = min_of(earliest, c->delayed_ack_deadline);
    earliest = min_of(earliest, c->retransmit_deadline);
    earliest = min_of(earliest, c->persist_deadline);
    earliest = min_of(earliest, c->wait_deadline);
  }
  return earliest;
}

void Tcp::on_retransmit_timeout(TcpConnection& c) {
  c.retransmit_deadline = kNoDeadline;
  if (c.snd_una == c.snd_max) return;
  c.timeouts++;
  const NetConfig& config = core_.config;
  uint32_t limit = c.state == TcpState::SynSent       ? config.tcp_syn_retries
                   : c.state == TcpState::SynReceived ? config.tcp_synack_retries
                                                      : config.tcp_data_retries;
  if (c.timeouts > limit) {
    core_.counters.tcp.timeouts_aborted++;
    abort(c, err::kTimedOut, tcp_synchronized(c.state) && c.state != TcpState::SynReceived);
    return;
  }
  core_.counters.tcp.timeout_retransmits++;
  // RFC 5681 3.1: ssthresh from the flight size once per loss episode (4),
  // then the loss window of one segment.
  if (c.timeouts == 1) c.ssthresh = max_of(flight_size(c) / 2, 2u * c.snd_mss);
  c.cwnd = c.snd_mss;
  c.in_fast_recovery = false;
  c.dup_acks = 0;
  c.recover = c.snd_max;
  c.rtt_timing = false;  // Karn's algorithm
  c.rto.back_off();      // RFC 6298 5.5
  c.snd_nxt = c.snd_una; // go back: resend from the first unacknowledged byte
  output(c, TcpSendMode::Retransmit);
  if (c.retransmit_deadline == kNoDeadline) restart_retransmit_timer(c);  // RFC 6298 5.6
}

void Tcp::on_persist_timeout(TcpConnection& c) {
  c.persist_deadline = kNoDeadline;
  if (!tcp_synchronized(c.state)) return;
  core_.counters.tcp.zero_window_probes++;
  output(c, TcpSendMode::Probe);
  if (c.persist_backoff < 16) c.persist_backoff++;
  maybe_arm_persist(c);
}

void Tcp::on_wait_timeout(TcpConnection& c) {
  c.wait_deadline = kNoDeadline;
  if (c.state == TcpState::TimeWait) {
    core_.counters.tcp.time_wait_expired++;
    transition(c, TcpEvent::TimeWaitTimeout);
  } else if (c.state == TcpState::FinWait2 && c.orphan()) {
    abort(c, 0, true);  // Linux tcp_fin_timeout: give up on the peer's FIN
  }
}

}  // namespace net
