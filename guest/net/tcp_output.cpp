// What to send and building segments: the send loop bounded by the peer's
// window and the congestion window, Nagle's algorithm and sender-side silly
// window avoidance (RFC 1122 4.2.3.4), retransmissions, RST segments.
#include "checksum.h"
#include "core.h"
#include "tcp_seq.h"

namespace net {

namespace {

constexpr uint8_t kProtocolTcp = 6;
constexpr int kMaxSegmentsPerOutput = 1024;  // a bound, far above any window

}  // namespace

void Tcp::output(TcpConnection& c, TcpSendMode mode) {
  if (c.state == TcpState::Closed || c.state == TcpState::Listen) return;
  if (c.state == TcpState::SynSent || c.state == TcpState::SynReceived) {
    // Only the SYN (or SYN,ACK) goes before the handshake completes: when it
    // was not sent yet or is due again, or to answer a duplicate SYN of a
    // passive open (the peer lost our SYN,ACK, as Linux assumes). In a
    // simultaneous open a plain ACK answers the peer's SYN,ACK (RFC 9293
    // figure 8).
    bool due = c.snd_nxt == c.iss;
    bool passive_duplicate = c.state == TcpState::SynReceived && c.ack_now && c.parent != nullptr;
    if (due || passive_duplicate) {
      uint8_t flags = kTcpSyn | (c.state == TcpState::SynReceived ? kTcpAck : 0);
      send_segment(c, c.iss, 0, flags);
      after_send(c, c.iss, 0, flags, due);
    } else if (c.state == TcpState::SynReceived && c.ack_now) {
      send_segment(c, c.snd_nxt, 0, kTcpAck);
    }
    return;
  }
  for (int sent = 0; sent < kMaxSegmentsPerOutput; ++sent) {
    uint32_t seq = c.snd_nxt;
    uint32_t data_end = c.data_end();
    uint32_t available = seq_lt(seq, data_end) ? data_end - seq : 0;
    uint32_t window_end = c.snd_una + min_of(c.snd_wnd, c.cwnd);
    uint32_t usable = seq_lt(seq, window_end) ? window_end - seq : 0;
    bool beyond_window = usable == 0;
    // The first segment after a timeout goes even into a closed window
    // (RFC 9293 3.8.6.1: keep retransmitting); a probe is one byte.
    if (mode == TcpSendMode::Retransmit && beyond_window) usable = c.snd_mss;
    if (mode == TcpSendMode::Probe && beyond_window) usable = 1;
    uint32_t len = min_of(min_of(available, usable), static_cast<uint32_t>(c.snd_mss));
    bool retransmission = seq_lt(seq, c.snd_max);
    if (len > 0 && !retransmission && mode == TcpSendMode::Normal &&
        !nagle_allows(c, len, available)) {
      len = 0;
    }
    bool fin = c.fin_queued && seq + len == data_end && seq_le(seq, data_end);
    if (len == 0 && !fin) {
      if (c.ack_now) send_segment(c, seq, 0, kTcpAck);
      break;
    }
    uint8_t flags = kTcpAck;
    if (fin) flags |= kTcpFin;
    if (len > 0 && seq + len == data_end) flags |= kTcpPsh;
    send_segment(c, seq, len, flags);
    bool probe_beyond_window = mode == TcpSendMode::Probe && beyond_window;
    after_send(c, seq, len, flags, !probe_beyond_window);
    if (probe_beyond_window || fin) break;
    mode = TcpSendMode::Normal;
  }
  maybe_arm_persist(c);
}

// Nagle (RFC 896; RFC 1122 4.2.3.4): a segment shorter than the MSS goes
// only when nothing is unacknowledged (or with TCP_NODELAY, or when the
// connection is closing) and it empties the buffer. Sender-side silly window
// avoidance: a window-limited segment goes if it is at least half the largest
// window the peer offered.
bool Tcp::nagle_allows(const TcpConnection& c, uint32_t len, uint32_t available) const {
  if (len >= c.snd_mss) return true;
  bool idle = c.snd_max == c.snd_una;
  if (len == available && (idle || c.nodelay || c.fin_queued)) return true;
  return c.max_snd_wnd > 0 && len >= c.max_snd_wnd / 2;
}

// Bookkeeping after a segment that occupies sequence space: SND.NXT and
// SND.MAX, RTT timing of new data (Karn: never of a retransmission), and the
// retransmission timer (RFC 6298 5.1).
void Tcp::after_send(TcpConnection& c, uint32_t seq, uint32_t len, uint8_t flags, bool advance) {
  uint32_t seg_len = len + ((flags & kTcpSyn) ? 1 : 0) + ((flags & kTcpFin) ? 1 : 0);
  if (seg_len == 0) return;
  uint32_t end = seq + seg_len;
  if (seq_lt(seq, c.snd_max)) {
    core_.counters.tcp.retransmitted_segments++;
    if (c.rtt_timing && seq_lt(seq, c.rtt_seq)) c.rtt_timing = false;
  } else if (!c.rtt_timing) {
    c.rtt_timing = true;
    c.rtt_seq = end;
    c.rtt_start_ns = core_.now();
  }
  if (advance) c.snd_nxt = end;
  if (seq_gt(end, c.snd_max)) c.snd_max = end;
  if (advance && c.retransmit_deadline == kNoDeadline) restart_retransmit_timer(c);
}

// Fast retransmit and NewReno partial ACKs: the first unacknowledged
// segment again, without moving SND.NXT.
void Tcp::retransmit_first_unacked(TcpConnection& c) {
  uint32_t seq = c.snd_una;
  uint32_t data_end = c.data_end();
  uint32_t len = seq_lt(seq, data_end) ? min_of(data_end - seq, static_cast<uint32_t>(c.snd_mss)) : 0;
  uint8_t flags = kTcpAck;
  bool fin_was_sent = c.fin_queued && seq_gt(c.snd_max, data_end);
  if (fin_was_sent && seq + len == data_end) flags |= kTcpFin;
  if (len == 0 && !(flags & kTcpFin)) return;
  send_segment(c, seq, len, flags);
  after_send(c, seq, len, flags, false);
}

// RFC 9293 3.8.6.1: with data waiting and no retransmission timer running
// (so nothing outstanding), a closed or silly window is probed on a timer
// that backs off like the RTO.
void Tcp::maybe_arm_persist(TcpConnection& c) {
  if (!seq_lt(c.snd_nxt, c.data_end()) || !tcp_synchronized(c.state)) {
    c.persist_deadline = kNoDeadline;
    return;
  }
  if (c.retransmit_deadline != kNoDeadline || c.persist_deadline != kNoDeadline) return;
  uint64_t interval = c.rto.rto();
  for (uint32_t i = 0; i < c.persist_backoff && interval < core_.config.tcp_max_rto_ns; ++i) interval *= 2;
  arm(&c.persist_deadline, min_of(interval, core_.config.tcp_max_rto_ns));
}

void Tcp::send_segment(TcpConnection& c, uint32_t seq, uint32_t len, uint8_t flags) {
  OutRoute route;
  if (!core_.ipv4.route(c.remote_addr, &route)) {
    core_.counters.ipv4.tx_no_route++;
    return;
  }
  uint8_t* p = core_.tx_transport();
  bool syn = flags & kTcpSyn;
  size_t options = 0;
  if (syn) {
    // RFC 7323 1.3: the SYN offers window scaling; the SYN,ACK only answers an offer.
    bool offer_scale = c.state == TcpState::SynSent || c.peer_window_scale;
    uint16_t mss = static_cast<uint16_t>(route.mtu - kIpv4HeaderLen - kTcpHeaderLen);
    options = write_tcp_syn_options(p + kTcpHeaderLen, mss, offer_scale, c.rcv_wscale);
  }
  size_t header_len = kTcpHeaderLen + options;
  store_be16(p, c.local_port);
  store_be16(p + 2, c.remote_port);
  store_be32(p + 4, seq);
  store_be32(p + 8, (flags & kTcpAck) ? c.rcv_nxt : 0);
  p[12] = static_cast<uint8_t>((header_len / 4) << 4);
  p[13] = flags;
  store_be16(p + 14, advertise_window(c, syn));
  store_be32(p + 16, 0);  // checksum, urgent pointer
  if (len > 0) c.send_buffer.copy_out(seq - c.snd_buf_seq, p + header_len, len);
  store_be16(p + 16, transport_checksum(c.local_addr, c.remote_addr, kProtocolTcp, p, header_len + len));
  core_.ipv4.send(route, c.local_addr, c.remote_addr, kProtocolTcp, header_len + len, true);
  core_.counters.tcp.tx_segments++;
  core_.counters.tcp.tx_data_bytes += len;
  if (flags & kTcpAck) {
    // Every ACK-bearing segment acknowledges all received data.
    c.ack_now = false;
    c.segments_unacked = 0;
    c.delayed_ack_deadline = kNoDeadline;
  }
}

// A RST for an existing connection (RFC 9293 3.10.5 ABORT), at the sequence
// number the peer expects next.
void Tcp::send_reset_for(TcpConnection& c) {
  send_reset(c.local_addr, c.local_port, c.remote_addr, c.remote_port, c.snd_max, c.rcv_nxt,
             kTcpRst | kTcpAck);
}

void Tcp::send_reset(Ipv4Addr local, uint16_t local_port, Ipv4Addr remote, uint16_t remote_port,
                     uint32_t seq, uint32_t ack, uint8_t flags) {
  OutRoute route;
  if (!core_.ipv4.route(remote, &route)) return;
  uint8_t* p = core_.tx_transport();
  store_be16(p, local_port);
  store_be16(p + 2, remote_port);
  store_be32(p + 4, seq);
  store_be32(p + 8, (flags & kTcpAck) ? ack : 0);
  p[12] = static_cast<uint8_t>((kTcpHeaderLen / 4) << 4);
  p[13] = flags;
  store_be16(p + 14, 0);
  store_be32(p + 16, 0);
  store_be16(p + 16, transport_checksum(local, remote, kProtocolTcp, p, kTcpHeaderLen));
  core_.ipv4.send(route, local, remote, kProtocolTcp, kTcpHeaderLen, true);
  core_.counters.tcp.tx_segments++;
  core_.counters.tcp.resets_sent++;
}

}  // namespace net
