// SEGMENT ARRIVES (RFC 9293 3.10.7): validation, demultiplexing, and the
// processing steps per state. The ACK field is tcp_ack.cpp's, the text and
// FIN tcp_data.cpp's.
#include "checksum.h"
#include "core.h"
#include "net_errno.h"
#include "tcp_seq.h"

namespace net {

static constexpr uint8_t kProtocolTcp = 6;
static constexpr uint16_t kMinimumMss = 88;  // a hostile MSS option must not stall output

void Tcp::receive(const Ipv4Packet& packet) {
  TcpCounters& counters = core_.counters.tcp;
  counters.rx_segments++;
  TcpSegment seg;
  if (packet.to_broadcast || !parse_tcp_segment(packet.payload, &seg)) {
    counters.rx_malformed++;
    return;
  }
  if (transport_checksum(packet.source, packet.destination, kProtocolTcp, packet.payload.data,
                         packet.payload.len) != 0) {
    counters.rx_bad_checksum++;
    return;
  }
  TcpConnection* c =
      find_connection(packet.destination, seg.destination_port, packet.source, seg.source_port);
  if (c != nullptr && new_syn_in_time_wait(*c, seg)) {
    transition(*c, TcpEvent::TimeWaitTimeout);  // make way for the new connection
    c = nullptr;
  }
  if (c == nullptr) {
    TcpConnection* listener = find_listener(packet.destination, seg.destination_port);
    if (listener != nullptr) input_listen(*listener, packet, seg); else reply_to_closed_port(packet, seg);
  } else if (c->state == TcpState::SynSent) {
    input_syn_sent(*c, seg);
  } else {
    input_synchronized(*c, seg);
  }
  reap();
}

// RFC 9293 3.10.7.4 (TIME-WAIT) and RFC 6191: a SYN beyond what the old
// incarnation used may start a new connection at once.
bool Tcp::new_syn_in_time_wait(const TcpConnection& c, const TcpSegment& seg) const {
  return c.state == TcpState::TimeWait && seg.syn() && !seg.has_ack() && !seg.rst() &&
         seq_gt(seg.seq, c.rcv_nxt);
}

// RFC 9293 3.10.7.1: a segment for no connection gets a RST (unless it is one).
void Tcp::reply_to_closed_port(const Ipv4Packet& packet, const TcpSegment& seg) {
  if (seg.rst()) return;
  if (seg.has_ack()) {
    send_reset(packet.destination, seg.destination_port, packet.source, seg.source_port, seg.ack, 0,
               kTcpRst);
  } else {
    send_reset(packet.destination, seg.destination_port, packet.source, seg.source_port, 0,
               seg.seq + seg.seg_len(), kTcpRst | kTcpAck);
  }
}

uint16_t Tcp::route_mss(Ipv4Addr remote) const {
  OutRoute route;
  if (!core_.ipv4.route(remote, &route)) return kTcpDefaultMss;
  return static_cast<uint16_t>(route.mtu - kIpv4HeaderLen - kTcpHeaderLen);
}

// The options of a received SYN: the peer's MSS (RFC 9293 3.7.1, 536
// without the option) and window scaling, in effect only when both SYNs
// carry it (RFC 7323 1.3).
void Tcp::apply_syn_options(TcpConnection& c, const TcpSegment& seg, uint16_t our_mss) {
  uint16_t peer_mss = seg.has_mss ? seg.mss : kTcpDefaultMss;
  c.snd_mss = max_of(min_of(peer_mss, our_mss), kMinimumMss);
  c.peer_window_scale = seg.has_window_scale;
  if (seg.has_window_scale) {
    c.snd_wscale = seg.window_scale;
  } else {
    c.snd_wscale = 0;
    c.rcv_wscale = 0;
  }
}

// RFC 9293 3.10.7.2: LISTEN.
void Tcp::input_listen(TcpConnection& listener, const Ipv4Packet& packet, const TcpSegment& seg) {
  if (seg.rst()) return;
  if (seg.has_ack()) {
    send_reset(packet.destination, seg.destination_port, packet.source, seg.source_port, seg.ack, 0,
               kTcpRst);
    return;
  }
  if (!seg.syn() || listener.listen_queue == nullptr) return;
  TcpListenQueue& q = *listener.listen_queue;
  // Linux admits one more than the backlog; beyond that the SYN is dropped
  // and the peer retries.
  if (q.embryonic.size() + q.ready.size() > static_cast<size_t>(q.backlog)) {
    core_.counters.tcp.backlog_drops++;
    return;
  }
  TcpConnection* c = new_connection();
  if (c == nullptr) return;
  c->parent = &listener;
  c->local_addr = packet.destination;
  c->local_port = seg.destination_port;
  c->remote_addr = packet.source;
  c->remote_port = seg.source_port;
  c->reuse_addr = listener.reuse_addr;
  c->nodelay = listener.nodelay;
  c->send_capacity = listener.send_capacity;
  c->receive_capacity = listener.receive_capacity;
  init_send_state(*c);
  c->irs = seg.seq;
  c->rcv_nxt = seg.seq + 1;
  c->rcv_adv = c->rcv_nxt;
  apply_syn_options(*c, seg, route_mss(packet.source));
  c->snd_wnd = c->max_snd_wnd = seg.window;  // never scaled in a SYN (RFC 7323 2.2)
  c->snd_wl1 = seg.seq;
  c->snd_wl2 = c->iss;
  c->state = TcpState::Listen;
  transition(*c, TcpEvent::ReceiveSyn);
  q.embryonic.push_back(c);
  core_.counters.tcp.passive_opens++;
  output(*c);  // SYN,ACK
}

// RFC 9293 3.10.7.3: SYN-SENT.
void Tcp::input_syn_sent(TcpConnection& c, const TcpSegment& seg) {
  bool ack_acceptable = false;
  if (seg.has_ack()) {
    if (seq_le(seg.ack, c.iss) || seq_gt(seg.ack, c.snd_max)) {
      if (!seg.rst()) {
        send_reset(c.local_addr, c.local_port, c.remote_addr, c.remote_port, seg.ack, 0, kTcpRst);
      }
      return;
    }
    ack_acceptable = true;
  }
  if (seg.rst()) {
    if (!ack_acceptable) return;
    core_.counters.tcp.resets_received++;
    core_.counters.tcp.refused++;
    c.error = err::kConnRefused;
    transition(c, TcpEvent::ReceiveReset);
    return;
  }
  if (!seg.syn()) return;
  c.irs = seg.seq;
  c.rcv_nxt = seg.seq + 1;
  c.rcv_adv = c.rcv_nxt;
  apply_syn_options(c, seg, route_mss(c.remote_addr));
  c.snd_wnd = c.max_snd_wnd = seg.window;
  c.snd_wl1 = seg.seq;
  if (!ack_acceptable) {
    // Simultaneous open: answer with SYN,ACK from the same ISS.
    transition(c, TcpEvent::ReceiveSyn);
    c.snd_nxt = c.iss;
    output(c);
    return;
  }
  take_rtt_sample(c, seg.ack);
  c.snd_una = seg.ack;
  c.snd_wl2 = seg.ack;
  c.timeouts = 0;
  c.retransmit_deadline = kNoDeadline;
  transition(c, TcpEvent::ReceiveSynAck);
  c.ack_now = true;
  // "continue processing at the sixth step": text or FIN in the SYN,ACK.
  TcpSegment rest = seg;
  rest.flags = static_cast<uint8_t>(rest.flags & ~kTcpSyn);
  rest.seq = seg.seq + 1;
  if (rest.data_len > 0 || rest.fin()) {
    trim_to_window(c, &rest);
    input_text(c, rest);
    if (rest.fin() && c.state != TcpState::Closed) input_fin(c, rest);
  }
  output(c);
}

// RFC 9293 3.10.7.4 "first": the acceptability test, by segment length and
// receive window.
bool Tcp::segment_acceptable(const TcpConnection& c, const TcpSegment& seg) const {
  uint32_t window = receive_window(c);
  uint32_t len = seg.seg_len();
  uint32_t window_end = c.rcv_nxt + window;
  if (len == 0) return window == 0 ? seg.seq == c.rcv_nxt : seq_in_window(seg.seq, c.rcv_nxt, window_end);
  if (window == 0) return false;
  return seq_in_window(seg.seq, c.rcv_nxt, window_end) ||
         seq_in_window(seg.seq + len - 1, c.rcv_nxt, window_end);
}

// Cuts what precedes RCV.NXT (duplicates, an old SYN or FIN) and what lies
// beyond the window (RFC 9293 3.10.7.4: "trimmed to fit the window").
void Tcp::trim_to_window(TcpConnection& c, TcpSegment* seg) {
  if (seq_lt(seg->seq, c.rcv_nxt)) {
    uint32_t excess = c.rcv_nxt - seg->seq;
    if (seg->syn()) {
      seg->flags = static_cast<uint8_t>(seg->flags & ~kTcpSyn);
      seg->seq++;
      excess--;
    }
    uint32_t duplicate = min_of(excess, seg->data_len);
    seg->data += duplicate;
    seg->data_len -= duplicate;
    seg->seq += duplicate;
    if (excess > duplicate) seg->flags = static_cast<uint8_t>(seg->flags & ~kTcpFin);
    if (duplicate > 0) {
      core_.counters.tcp.rx_duplicate_bytes += duplicate;
      c.ack_now = true;  // RFC 5681 4.2: duplicates are acknowledged at once
    }
  }
  uint32_t window_end = c.rcv_nxt + receive_window(c);
  if (seq_gt(seg->seq + seg->data_len, window_end)) {
    uint32_t beyond = seg->seq + seg->data_len - window_end;
    seg->data_len -= min_of(beyond, seg->data_len);
    seg->flags = static_cast<uint8_t>(seg->flags & ~kTcpFin);
    c.ack_now = true;
  }
}

// RFC 9293 3.10.7.4 "second", with RFC 5961 3.2: only a RST exactly at
// RCV.NXT resets; one elsewhere in the window gets a challenge ACK.
void Tcp::input_reset(TcpConnection& c, const TcpSegment& seg) {
  if (seg.seq != c.rcv_nxt) {
    core_.counters.tcp.challenge_acks++;
    c.ack_now = true;
    output(c);
    return;
  }
  core_.counters.tcp.resets_received++;
  switch (c.state) {
    case TcpState::SynReceived:
      // Passive: the embryonic connection just disappears. Active
      // (simultaneous open): the peer refused.
      if (c.parent == nullptr) c.error = err::kConnRefused;
      break;
    case TcpState::Established:
    case TcpState::FinWait1:
    case TcpState::FinWait2:
    case TcpState::CloseWait:
      c.error = err::kConnReset;
      break;
    default:
      break;
  }
  transition(c, TcpEvent::ReceiveReset);
}

// RFC 9293 3.10.7.4 "fifth": the ACK field in SYN-RECEIVED and later.
// False when the segment is to be dropped or the connection ended.
bool Tcp::input_ack_synchronized(TcpConnection& c, const TcpSegment& seg) {
  if (c.state == TcpState::SynReceived) {
    if (!seq_lt(c.snd_una, seg.ack) || seq_gt(seg.ack, c.snd_max)) {
      send_reset(c.local_addr, c.local_port, c.remote_addr, c.remote_port, seg.ack, 0, kTcpRst);
      return false;
    }
    if (!allocate_buffers(c)) {
      abort(c, err::kNoMem, true);
      return false;
    }
    c.snd_wnd = static_cast<uint32_t>(seg.window) << c.snd_wscale;
    c.max_snd_wnd = max_of(c.max_snd_wnd, c.snd_wnd);
    c.snd_wl1 = seg.seq;
    c.snd_wl2 = seg.ack;
    transition(c, TcpEvent::ReceiveAckOfSyn);
  }
  if (!process_ack(c, seg)) return false;
  if (!c.fin_acked()) return true;
  switch (c.state) {
    case TcpState::FinWait1:
      transition(c, TcpEvent::ReceiveAckOfFin);
      break;
    case TcpState::Closing:
      transition(c, TcpEvent::ReceiveAckOfFin);
      break;
    case TcpState::LastAck:
      transition(c, TcpEvent::ReceiveAckOfFin);
      return false;
    default:
      break;
  }
  return true;
}

// RFC 9293 3.10.7.4: SYN-RECEIVED through TIME-WAIT.
void Tcp::input_synchronized(TcpConnection& c, TcpSegment seg) {
  if (!segment_acceptable(c, seg)) {
    if (seg.rst()) return;
    bool duplicate = seq_le(seg.seq + seg.seg_len(), c.rcv_nxt);
    if (duplicate) {
      core_.counters.tcp.rx_duplicate_bytes += seg.data_len;  // an old retransmission
    } else {
      core_.counters.tcp.rx_out_of_window++;
    }
    if (c.state == TcpState::TimeWait && seg.fin()) arm(&c.wait_deadline, core_.config.tcp_time_wait_ns);
    // The text is dropped but the ACK field still counts (as BSD and Linux
    // do) for an old duplicate, and for a zero-window probe (RFC 9293:
    // "special allowance should be made to accept valid ACKs"). Otherwise
    // two peers that both retransmit old data would never see each other's
    // acknowledgments.
    bool probe = receive_window(c) == 0 && seg.seq == c.rcv_nxt;
    if ((duplicate || probe) && seg.has_ack() && c.state != TcpState::SynReceived) {
      input_ack_synchronized(c, seg);
      if (c.state == TcpState::Closed) return;
    }
    c.ack_now = true;
    output(c);
    return;
  }
  trim_to_window(c, &seg);
  if (seg.rst()) {
    input_reset(c, seg);
    return;
  }
  if (seg.syn()) {
    // RFC 5961 4.2: a SYN in the window gets a challenge ACK.
    core_.counters.tcp.challenge_acks++;
    c.ack_now = true;
    output(c);
    return;
  }
  if (!seg.has_ack()) return;
  if (input_ack_synchronized(c, seg)) {
    input_text(c, seg);
    if (seg.fin() && c.state != TcpState::Closed) input_fin(c, seg);
  }
  output(c);
}

void Tcp::unreachable(Ipv4Addr local, uint16_t local_port, Ipv4Addr remote, uint16_t remote_port,
                      int error) {
  TcpConnection* c = find_connection(local, local_port, remote, remote_port);
  // RFC 1122 4.2.3.9 leaves soft errors to the application; like Linux,
  // an unreachable peer fails a connection that is still being opened.
  if (c == nullptr || c->state != TcpState::SynSent) return;
  abort(*c, error, false);
  reap();
}

}  // namespace net
