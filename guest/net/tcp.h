// TCP (RFC 9293): connections, their buffers and timers, and the Tcp layer
// that owns them. The work is split by concept:
//   tcp_state.cpp       the state table and what entering a state does
//   tcp_input.cpp       SEGMENT ARRIVES (RFC 9293 3.10.7), by state
//   tcp_ack.cpp         the ACK field: send window, RTT, congestion control
//   tcp_data.cpp        the segment text: reassembly, delayed ACKs, windows
//   tcp_output.cpp      what to send next (Nagle, SWS avoidance) and building segments
//   tcp_timer.cpp       retransmission, persist, delayed-ACK and TIME-WAIT timers
//   tcp_user.cpp        the socket layer's calls (connect, listen, send, ...)
//   tcp_connections.cpp creating, finding, binding and reaping connections
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "byte_ring.h"
#include "bytes.h"
#include "list.h"
#include "socket_abi.h"
#include "tcp_reassembly.h"
#include "tcp_rto.h"
#include "tcp_segment.h"
#include "tcp_state.h"

namespace net {

struct NetCore;
struct Socket;
struct Ipv4Packet;
struct TcpListenQueue;

struct TcpConnection {
  Link<TcpConnection> all_link;    // Tcp's list of every connection
  Link<TcpConnection> queue_link;  // the listener's embryonic or ready queue

  TcpState state = TcpState::Closed;
  Socket* socket = nullptr;          // nullptr once the application closed it
  TcpConnection* parent = nullptr;   // the listener, until accept()
  TcpListenQueue* listen_queue = nullptr;  // in LISTEN
  bool in_ready_queue = false;       // on the parent's ready (not embryonic) queue

  // Endpoints.
  Ipv4Addr local_addr = kIpv4Any;
  uint16_t local_port = 0;  // 0: not bound
  bool auto_bound = false;  // bound implicitly by connect()/listen()
  Ipv4Addr remote_addr = kIpv4Any;
  uint16_t remote_port = 0;

  // Options copied from the socket (they outlive it for an orphan).
  bool reuse_addr = false;
  bool nodelay = false;
  uint32_t send_capacity = 0;     // bytes of send buffer
  uint32_t receive_capacity = 0;  // bytes of receive buffer (= the window)

  // Send sequence variables (RFC 9293 3.3.1). snd_max is the highest
  // sequence number sent so far: snd_nxt goes back to snd_una on a
  // retransmission timeout, snd_max does not.
  uint32_t iss = 0;
  uint32_t snd_una = 0;
  uint32_t snd_nxt = 0;
  uint32_t snd_max = 0;
  uint32_t snd_wnd = 0;   // scaled
  uint32_t snd_wl1 = 0;
  uint32_t snd_wl2 = 0;
  uint32_t max_snd_wnd = 0;  // largest window offered (sender SWS avoidance)
  uint32_t snd_buf_seq = 0;  // sequence number of send_buffer's first byte
  bool fin_queued = false;   // FIN follows the last byte of send_buffer
  uint16_t snd_mss = kTcpDefaultMss;
  uint8_t snd_wscale = 0;    // shift applied to windows the peer sends
  uint8_t rcv_wscale = 0;    // shift applied to windows we send
  bool peer_window_scale = false;  // the peer's SYN carried the option

  // Receive sequence variables.
  uint32_t irs = 0;
  uint32_t rcv_nxt = 0;
  uint32_t rcv_adv = 0;      // right edge of the window last advertised
  bool fin_received = false;
  bool fin_pending = false;  // FIN seen beyond a hole in the data
  uint32_t fin_pending_seq = 0;

  ByteRing send_buffer;
  ByteRing receive_buffer;
  Reassembly reassembly;

  // Congestion control (RFC 5681, NewReno fast recovery RFC 6582).
  uint32_t cwnd = 0;
  uint32_t ssthresh = 0;
  uint32_t dup_acks = 0;
  uint32_t recover = 0;
  bool in_fast_recovery = false;

  // Round-trip timing of one segment at a time (Karn's algorithm).
  RtoEstimator rto;
  bool rtt_timing = false;
  uint32_t rtt_seq = 0;
  uint64_t rtt_start_ns = 0;
  uint32_t timeouts = 0;        // consecutive retransmission timeouts
  uint32_t persist_backoff = 0; // doublings of the persist interval

  // Acknowledgment policy.
  bool ack_now = false;         // send an ACK at the next output
  uint32_t segments_unacked = 0;

  // Timers: absolute nanoseconds, kNoDeadline when stopped.
  uint64_t retransmit_deadline = UINT64_MAX;
  uint64_t persist_deadline = UINT64_MAX;
  uint64_t delayed_ack_deadline = UINT64_MAX;
  uint64_t wait_deadline = UINT64_MAX;  // TIME-WAIT, or an orphan's FIN-WAIT-2

  int error = 0;             // pending error for the socket (positive errno)
  bool read_closed = false;  // SHUT_RD or closed: new data is answered with RST
  bool done = false;         // reached CLOSED after being used (Linux tcp_done)

  bool orphan() const { return socket == nullptr && parent == nullptr; }
  // Sequence number after the last byte queued by the application; the FIN,
  // when queued, has this number.
  uint32_t data_end() const { return snd_buf_seq + send_buffer.size(); }
  bool fin_acked() const { return fin_queued && seq_after_fin(snd_una); }
  bool seq_after_fin(uint32_t seq) const { return static_cast<int32_t>(seq - data_end()) > 0; }
};

struct TcpListenQueue {
  List<TcpConnection, &TcpConnection::queue_link> embryonic;  // SYN-RECEIVED
  List<TcpConnection, &TcpConnection::queue_link> ready;      // waiting for accept()
  int backlog = 0;
};

// What output() may send.
enum class TcpSendMode : uint8_t {
  Normal,
  Retransmit,  // after a timeout: the first segment goes even beyond the window
  Probe,       // persist timer: one byte beyond a zero window
};

class Tcp {
 public:
  explicit Tcp(NetCore& core) : core_(core) {}
  Tcp(const Tcp&) = delete;
  Tcp& operator=(const Tcp&) = delete;
  void release_all();

  // ---- from IPv4 / ICMP / the timer (tcp_input.cpp, tcp_timer.cpp) ----
  void receive(const Ipv4Packet& packet);
  // ICMP destination unreachable about a segment we sent (RFC 1122 4.2.3.9).
  void unreachable(Ipv4Addr local, uint16_t local_port, Ipv4Addr remote, uint16_t remote_port,
                   int error);
  void tick(uint64_t now);
  uint64_t next_deadline() const;

  // ---- the socket layer's calls (tcp_user.cpp); errors are -errno ----
  TcpConnection* create(Socket* socket);
  int bind(TcpConnection& c, Ipv4Addr address, uint16_t port);
  int listen(TcpConnection& c, int backlog);
  TcpConnection* accept(TcpConnection& listener);  // nullptr: none ready
  int connect(TcpConnection& c, Ipv4Addr address, uint16_t port);
  int64_t send(TcpConnection& c, const IoVec* iov, size_t iovlen);
  int64_t read(TcpConnection& c, const IoVec* iov, size_t iovlen, bool peek, uint8_t shutdown);
  int shutdown(TcpConnection& c, uint8_t how);
  void close(TcpConnection& c);  // the socket is going away
  int take_error(TcpConnection& c);
  uint32_t poll(const TcpConnection& c, uint8_t shutdown) const;
  void set_buffer_capacities(TcpConnection& c, uint32_t send, uint32_t receive);
  bool readable_bytes_pending(const TcpConnection& c) const { return !c.receive_buffer.empty(); }

  // ---- ports (tcp_connections.cpp) ----
  bool port_in_use(uint16_t port) const;
  bool bind_conflict(Ipv4Addr address, uint16_t port, bool reuse,
                     const TcpConnection* self) const;
  size_t connection_count() const { return connections_.size(); }
  // For tests and diagnostics.
  TcpConnection* first_connection() const { return connections_.front(); }
  static TcpConnection* next_connection(const TcpConnection* c) {
    return List<TcpConnection, &TcpConnection::all_link>::next(c);
  }

 private:
  friend struct TcpTestAccess;

  // tcp_state.cpp
  void transition(TcpConnection& c, TcpEvent event);
  void enter_state(TcpConnection& c);
  void enter_established(TcpConnection& c);
  void enter_closed(TcpConnection& c);
  void stop_timers(TcpConnection& c);

  // tcp_input.cpp
  void input_listen(TcpConnection& listener, const Ipv4Packet& packet, const TcpSegment& seg);
  void input_syn_sent(TcpConnection& c, const TcpSegment& seg);
  void input_synchronized(TcpConnection& c, TcpSegment seg);
  bool segment_acceptable(const TcpConnection& c, const TcpSegment& seg) const;
  void trim_to_window(TcpConnection& c, TcpSegment* seg);
  void input_reset(TcpConnection& c, const TcpSegment& seg);
  bool input_ack_synchronized(TcpConnection& c, const TcpSegment& seg);
  void input_fin(TcpConnection& c, const TcpSegment& seg);
  void reply_to_closed_port(const Ipv4Packet& packet, const TcpSegment& seg);
  bool new_syn_in_time_wait(const TcpConnection& c, const TcpSegment& seg) const;
  void apply_syn_options(TcpConnection& c, const TcpSegment& seg, uint16_t route_mss);

  // tcp_ack.cpp
  bool process_ack(TcpConnection& c, const TcpSegment& seg);
  void on_new_ack(TcpConnection& c, uint32_t ack);
  void on_duplicate_ack(TcpConnection& c);
  void update_send_window(TcpConnection& c, const TcpSegment& seg);
  void grow_congestion_window(TcpConnection& c, uint32_t acked);
  void enter_fast_recovery(TcpConnection& c);
  void take_rtt_sample(TcpConnection& c, uint32_t ack);
  uint32_t flight_size(const TcpConnection& c) const { return c.snd_max - c.snd_una; }

  // tcp_data.cpp
  void input_text(TcpConnection& c, const TcpSegment& seg);
  void deliver_in_order(TcpConnection& c, const TcpSegment& seg);
  void store_out_of_order(TcpConnection& c, const TcpSegment& seg);
  void accept_fin(TcpConnection& c);
  void schedule_ack(TcpConnection& c);
  uint32_t receive_window(const TcpConnection& c) const;
  uint16_t advertise_window(TcpConnection& c, bool syn);
  void after_read(TcpConnection& c);

  // tcp_output.cpp
  void output(TcpConnection& c, TcpSendMode mode = TcpSendMode::Normal);
  bool nagle_allows(const TcpConnection& c, uint32_t len, uint32_t available) const;
  void send_segment(TcpConnection& c, uint32_t seq, uint32_t len, uint8_t flags);
  void after_send(TcpConnection& c, uint32_t seq, uint32_t len, uint8_t flags, bool advance);
  void retransmit_first_unacked(TcpConnection& c);
  void send_reset_for(TcpConnection& c);
  void send_reset(Ipv4Addr local, uint16_t local_port, Ipv4Addr remote, uint16_t remote_port,
                  uint32_t seq, uint32_t ack, uint8_t flags);
  void maybe_arm_persist(TcpConnection& c);
  uint16_t route_mss(Ipv4Addr remote) const;

  // tcp_timer.cpp
  void arm(uint64_t* deadline, uint64_t delay_ns);
  void on_retransmit_timeout(TcpConnection& c);
  void on_persist_timeout(TcpConnection& c);
  void on_wait_timeout(TcpConnection& c);
  void restart_retransmit_timer(TcpConnection& c);

  // tcp_connections.cpp
  TcpConnection* find_connection(Ipv4Addr local, uint16_t local_port, Ipv4Addr remote,
                                 uint16_t remote_port) const;
  TcpConnection* find_listener(Ipv4Addr local, uint16_t local_port) const;
  TcpConnection* new_connection();
  void destroy(TcpConnection* c);
  void reap();
  bool allocate_buffers(TcpConnection& c);
  // An orphan in TIME-WAIT will never send or read a byte again: its
  // buffers go back at once, as Linux swaps in a timewait mini-socket.
  void release_buffers_if_done(TcpConnection& c);
  void init_send_state(TcpConnection& c);
  uint16_t pick_ephemeral_port() const;
  void wake(TcpConnection& c);
  void abort(TcpConnection& c, int error, bool send_reset);
  void close_listener(TcpConnection& c);
  void detach_from_parent(TcpConnection& c);

  NetCore& core_;
  List<TcpConnection, &TcpConnection::all_link> connections_;
  bool reap_needed_ = false;
};

}  // namespace net
