// The ACK field of a segment in a synchronized state (RFC 9293 3.10.7.4
// "fifth"): the send buffer and window, the RTT sample, and congestion
// control (RFC 5681 slow start and congestion avoidance, fast retransmit
// on three duplicate ACKs, NewReno fast recovery per RFC 6582).
#include "core.h"
#include "tcp_seq.h"

namespace net {

static constexpr uint32_t kMaxCongestionWindow = 1u << 30;

// False when the segment must be dropped: it acknowledges something never
// sent (RFC 9293: "send an ACK, drop the segment, and return").
bool Tcp::process_ack(TcpConnection& c, const TcpSegment& seg) {
  if (seq_gt(seg.ack, c.snd_max)) {
    c.ack_now = true;
    return false;
  }
  uint32_t window = static_cast<uint32_t>(seg.window) << c.snd_wscale;
  if (seq_gt(seg.ack, c.snd_una)) {
    on_new_ack(c, seg.ack);
  } else if (seg.ack == c.snd_una && seg.data_len == 0 && !seg.syn() && !seg.fin() &&
             window == c.snd_wnd && c.snd_max != c.snd_una &&
             c.retransmit_deadline != kNoDeadline) {
    // RFC 5681 2 "DUPLICATE ACKNOWLEDGMENT" (all five conditions; the
    // retransmission timer runs whenever data is outstanding, but not for a
    // zero-window probe).
    on_duplicate_ack(c);
  }
  if (seq_ge(seg.ack, c.snd_una)) update_send_window(c, seg);
  return true;
}

void Tcp::take_rtt_sample(TcpConnection& c, uint32_t ack) {
  if (!c.rtt_timing || seq_lt(ack, c.rtt_seq)) return;
  c.rto.add_sample(core_.now() - c.rtt_start_ns);
  c.rtt_timing = false;
}

void Tcp::on_new_ack(TcpConnection& c, uint32_t ack) {
  uint32_t acked = ack - c.snd_una;
  // Acknowledged data leaves the send buffer; SYN and FIN occupy none.
  if (seq_gt(ack, c.snd_buf_seq)) {
    uint32_t bytes = min_of(ack - c.snd_buf_seq, c.send_buffer.size());
    c.send_buffer.consume(bytes);
    c.snd_buf_seq += bytes;
  }
  take_rtt_sample(c, ack);
  c.timeouts = 0;
  c.snd_una = ack;
  if (seq_lt(c.snd_nxt, c.snd_una)) c.snd_nxt = c.snd_una;

  if (c.in_fast_recovery) {
    if (seq_ge(ack, c.recover)) {
      // RFC 6582 3.2 step 3: full acknowledgment ends recovery.
      c.cwnd = c.ssthresh;
      c.in_fast_recovery = false;
      c.dup_acks = 0;
    } else {
      // Step 4: a partial acknowledgment; the next hole is lost too.
      retransmit_first_unacked(c);
      c.cwnd = (c.cwnd > acked ? c.cwnd - acked : 0) + c.snd_mss;
    }
  } else {
    c.dup_acks = 0;
    grow_congestion_window(c, acked);
  }
  // RFC 6298 5.2 / 5.3: stop the timer when all is acknowledged, else
  // restart it.
  if (c.snd_una == c.snd_max) c.retransmit_deadline = kNoDeadline; else restart_retransmit_timer(c);
  wake(c);  // room in the send buffer
}

void Tcp::grow_congestion_window(TcpConnection& c, uint32_t acked) {
  if (c.cwnd < c.ssthresh) {
    c.cwnd += min_of(acked, static_cast<uint32_t>(c.snd_mss));  // RFC 5681 (2)
  } else {
    uint64_t increment = static_cast<uint64_t>(c.snd_mss) * c.snd_mss / max_of(c.cwnd, 1u);
    c.cwnd += static_cast<uint32_t>(max_of<uint64_t>(increment, 1));  // RFC 5681 (3)
  }
  c.cwnd = min_of(c.cwnd, kMaxCongestionWindow);
}

void Tcp::on_duplicate_ack(TcpConnection& c) {
  c.dup_acks++;
  if (c.in_fast_recovery) {
    c.cwnd = min_of(c.cwnd + c.snd_mss, kMaxCongestionWindow);  // RFC 5681 3.2 step 4
    return;
  }
  // RFC 6582 3.2 step 2: not again for losses from before the last recovery.
  if (c.dup_acks == 3 && seq_ge(c.snd_una, c.recover)) enter_fast_recovery(c);
}

void Tcp::enter_fast_recovery(TcpConnection& c) {
  core_.counters.tcp.fast_retransmits++;
  c.ssthresh = max_of(flight_size(c) / 2, 2u * c.snd_mss);  // RFC 5681 (4)
  c.recover = c.snd_max;
  c.in_fast_recovery = true;
  retransmit_first_unacked(c);
  c.cwnd = c.ssthresh + 3u * c.snd_mss;
}

// RFC 9293 3.10.7.4: take the window from the most recent segment (by
// SND.WL1/SND.WL2), scaled per RFC 7323 2.3.
void Tcp::update_send_window(TcpConnection& c, const TcpSegment& seg) {
  if (!(seq_lt(c.snd_wl1, seg.seq) || (c.snd_wl1 == seg.seq && seq_le(c.snd_wl2, seg.ack)))) return;
  c.snd_wnd = static_cast<uint32_t>(seg.window) << c.snd_wscale;
  c.snd_wl1 = seg.seq;
  c.snd_wl2 = seg.ack;
  c.max_snd_wnd = max_of(c.max_snd_wnd, c.snd_wnd);
  if (c.snd_wnd > 0) {
    c.persist_deadline = kNoDeadline;  // output() re-arms it if still needed
    c.persist_backoff = 0;
  }
}

}  // namespace net
