// The text and FIN of received segments (RFC 9293 3.10.7.4 "seventh" and
// "eighth"): in-order delivery, out-of-order reassembly in place, the
// delayed-ACK policy (RFC 1122 4.2.3.2, RFC 5681 4.2) and the receive window
// with receiver-side silly window avoidance (RFC 9293 3.8.6.2.2).
#include "core.h"
#include "net_errno.h"
#include "tcp_seq.h"

namespace net {

uint32_t Tcp::receive_window(const TcpConnection& c) const {
  return c.receive_buffer.allocated() ? c.receive_buffer.free_space() : c.receive_capacity;
}

void Tcp::input_text(TcpConnection& c, const TcpSegment& seg) {
  if (seg.data_len == 0 || !tcp_accepts_data(c.state)) return;
  if (c.read_closed) {
    // Linux: data for a socket that will never read it (closed, or
    // SHUT_RD) resets the connection.
    abort(c, err::kConnReset, true);
    return;
  }
  core_.counters.tcp.rx_data_bytes += seg.data_len;
  if (seg.seq == c.rcv_nxt) deliver_in_order(c, seg); else store_out_of_order(c, seg);
}

void Tcp::deliver_in_order(TcpConnection& c, const TcpSegment& seg) {
  c.receive_buffer.write_at(c.receive_buffer.size(), seg.data, seg.data_len);
  uint32_t end = c.rcv_nxt + seg.data_len;
  bool had_gap = !c.reassembly.empty();
  if (had_gap) end = c.reassembly.take_contiguous(end);
  c.receive_buffer.commit(end - c.rcv_nxt);
  c.rcv_nxt = end;
  if (c.fin_pending && seq_ge(c.rcv_nxt, c.fin_pending_seq)) {
    c.fin_pending = false;
    accept_fin(c);
  }
  // RFC 5681 4.2: ACK at once when a segment fills (part of) a gap.
  if (had_gap) c.ack_now = true; else schedule_ack(c);
  wake(c);
}

// The bytes go straight to their place in the ring beyond the readable
// data; the window trim guarantees they fit.
void Tcp::store_out_of_order(TcpConnection& c, const TcpSegment& seg) {
  core_.counters.tcp.rx_out_of_order++;
  c.ack_now = true;  // RFC 5681 4.2: a duplicate ACK tells the sender about the gap
  if (!c.reassembly.add(seg.seq, seg.seq + seg.data_len)) {
    core_.counters.tcp.ooo_dropped++;
    return;
  }
  uint32_t offset = c.receive_buffer.size() + (seg.seq - c.rcv_nxt);
  c.receive_buffer.write_at(offset, seg.data, seg.data_len);
}

void Tcp::input_fin(TcpConnection& c, const TcpSegment& seg) {
  uint32_t fin_seq = seg.seq + seg.data_len;
  switch (c.state) {
    case TcpState::Established:
    case TcpState::FinWait1:
    case TcpState::FinWait2:
      if (fin_seq == c.rcv_nxt) {
        accept_fin(c);
      } else if (seq_gt(fin_seq, c.rcv_nxt)) {
        c.fin_pending = true;  // after the data still missing
        c.fin_pending_seq = fin_seq;
        c.ack_now = true;
      }
      break;
    case TcpState::TimeWait:
      arm(&c.wait_deadline, core_.config.tcp_time_wait_ns);  // RFC 9293: restart the 2 MSL timeout
      c.ack_now = true;
      break;
    default:
      c.ack_now = true;  // a retransmitted FIN: acknowledge it again
      break;
  }
}

void Tcp::accept_fin(TcpConnection& c) {
  c.rcv_nxt++;
  c.fin_received = true;
  c.ack_now = true;
  transition(c, TcpEvent::ReceiveFin);
  wake(c);
}

// RFC 1122 4.2.3.2: ACK at least every second segment, and none later than
// the delayed-ACK time.
void Tcp::schedule_ack(TcpConnection& c) {
  c.segments_unacked++;
  if (c.segments_unacked >= 2) {
    c.ack_now = true;
    return;
  }
  if (c.delayed_ack_deadline == kNoDeadline) arm(&c.delayed_ack_deadline, core_.config.tcp_delayed_ack_ns);
}

// The window field of an outgoing segment. The right edge never moves
// left (RFC 9293 3.8.6), and moves right only by a useful amount:
// min(half the buffer, one MSS) (RFC 9293 3.8.6.2.2). SYN segments carry
// the window unscaled (RFC 7323 2.2).
uint16_t Tcp::advertise_window(TcpConnection& c, bool syn) {
  uint32_t window = receive_window(c);
  uint32_t promised = seq_gt(c.rcv_adv, c.rcv_nxt) ? c.rcv_adv - c.rcv_nxt : 0;
  uint32_t threshold = min_of(c.receive_capacity / 2, static_cast<uint32_t>(c.snd_mss));
  if (window > promised && window - promised < threshold) window = promised;
  window = max_of(window, promised);
  uint8_t shift = syn ? 0 : c.rcv_wscale;
  uint32_t field = min_of(window >> shift, 0xffffu);
  uint32_t edge = c.rcv_nxt + (field << shift);
  if (seq_gt(edge, c.rcv_adv)) c.rcv_adv = edge;
  return static_cast<uint16_t>(field);
}

// After the application read: a window update once the window has opened by
// two segments or half the buffer (the BSD rule), so that a sender stopped
// by a small or zero window resumes without waiting for its persist timer.
void Tcp::after_read(TcpConnection& c) {
  if (!tcp_accepts_data(c.state)) return;
  uint32_t window = receive_window(c);
  uint32_t promised = seq_gt(c.rcv_adv, c.rcv_nxt) ? c.rcv_adv - c.rcv_nxt : 0;
  uint32_t threshold = min_of(c.receive_capacity / 2, 2u * c.snd_mss);
  if (window >= promised + threshold) {
    core_.counters.tcp.window_updates++;
    c.ack_now = true;
    output(c);
  }
}

}  // namespace net
