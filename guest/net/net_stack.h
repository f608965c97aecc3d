// NetStack: one IPv4 network stack (Ethernet, ARP, IPv4, ICMP, UDP, TCP,
// AF_UNIX socket pairs) behind the socket calls. This header is everything
// the kernel glue uses.
//
// Contract with the glue:
//  * Single-threaded: call every method with one lock held. The stack never
//    blocks, sleeps or spawns work; "would block" is -EAGAIN.
//  * Inputs: receive() for each frame a driver got, tick() when the time
//    next_deadline() returned has come (and at any other time: extra ticks
//    are harmless), and the socket calls. After any call, next_deadline()
//    may have moved earlier: re-arm the one timer from it. With no deadline
//    (kNoDeadline) no tick is needed: an idle CPU needs no periodic timer.
//  * Outputs: NetDevice::transmit() for frames, NetEnv::wake() when a
//    socket's readiness may have changed. Neither may call back into the
//    stack.
//  * Errors are negative Linux errno values (net_errno.h); results >= 0 are
//    counts or socket ids.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "config.h"
#include "counters.h"
#include "interface.h"
#include "net_env.h"
#include "net_errno.h"
#include "socket_abi.h"

namespace net {

struct NetCore;

class NetStack {
 public:
  NetStack(NetEnv& env, const NetConfig& config = NetConfig{});
  ~NetStack();  // frees every socket, connection and queued packet
  NetStack(const NetStack&) = delete;
  NetStack& operator=(const NetStack&) = delete;

  // Allocates the stack's state and brings up "lo" (127.0.0.1/8, interface
  // 0). 0 or -ENOMEM. Nothing else may be called before it succeeds.
  [[nodiscard]] int init();

  // ---- interfaces and routes ----
  // Adds an interface and its connected route; returns its index (>= 1).
  // -EINVAL (bad MTU, no device), -ENOBUFS (too many interfaces).
  int add_interface(const InterfaceConfig& config);
  // Changes an interface's address (and its connected route).
  int set_interface_address(int iface, Ipv4Addr address, uint8_t prefix_len);
  // A static route; gateway 0 means "on the link of iface".
  int add_route(Ipv4Addr destination, uint8_t prefix_len, Ipv4Addr gateway, int iface);
  // The default route: through the interface whose subnet holds gateway.
  // -ENETUNREACH if no interface does.
  int set_default_gateway(Ipv4Addr gateway);
  int interface_count() const;
  const Interface* interface(int iface) const;  // nullptr if out of range

  // ---- inputs ----
  // One received Ethernet frame (without FCS); the bytes are only read
  // during the call.
  void receive(int iface, const uint8_t* frame, size_t len);
  void tick(uint64_t now_ns);
  // The earliest time tick() is needed, or kNoDeadline.
  uint64_t next_deadline() const;

  // ---- sockets (Linux semantics; see socket_layer.h) ----
  // type may carry SOCK_NONBLOCK/SOCK_CLOEXEC: ignored here (the glue's).
  // AF_INET: SOCK_STREAM (TCP), SOCK_DGRAM (UDP), SOCK_DGRAM/IPPROTO_ICMP
  // (ping socket). AF_UNIX only through socketpair (SOCK_STREAM).
  int socket(int domain, int type, int protocol);
  int socketpair(int domain, int type, int protocol, SocketId out[2]);
  int bind(SocketId s, const void* addr, uint32_t addrlen);
  int listen(SocketId s, int backlog);
  // A connection ready to accept (a new socket id), or -EAGAIN.
  int accept(SocketId s, void* addr, uint32_t* addrlen);
  // TCP: -EINPROGRESS while the handshake runs; wait for POLLOUT/POLLERR and
  // call connect() again: 0, or the error (-ECONNREFUSED, -ETIMEDOUT, ...).
  // UDP/ICMP: sets the default peer; AF_UNSPEC dissolves it.
  int connect(SocketId s, const void* addr, uint32_t addrlen);
  int64_t sendmsg(SocketId s, const MsgHeader& msg, int flags);
  int64_t recvmsg(SocketId s, MsgHeader* msg, int flags);
  int64_t send(SocketId s, const void* buf, size_t len, int flags);
  int64_t recv(SocketId s, void* buf, size_t len, int flags);
  int64_t sendto(SocketId s, const void* buf, size_t len, int flags, const void* addr,
                 uint32_t addrlen);
  int64_t recvfrom(SocketId s, void* buf, size_t len, int flags, void* addr, uint32_t* addrlen);
  int shutdown(SocketId s, int how);
  // Releases the id at once; a TCP connection finishes in the background
  // (FIN, or RST if received data was left unread, as Linux).
  int close(SocketId s);
  int setsockopt(SocketId s, int level, int name, const void* value, uint32_t len);
  int getsockopt(SocketId s, int level, int name, void* value, uint32_t* len);
  int getsockname(SocketId s, void* addr, uint32_t* addrlen);
  int getpeername(SocketId s, void* addr, uint32_t* addrlen);
  // POLLIN/POLLOUT/POLLERR/POLLHUP/POLLRDHUP (+RDNORM/WRNORM) as Linux
  // reports them; kPollNval for an unknown id.
  uint32_t poll(SocketId s) const;
  // A pointer handed back with every wake() of this socket.
  int set_cookie(SocketId s, void* cookie);
  // SO_RCVTIMEO / SO_SNDTIMEO in nanoseconds (0: none), for the glue.
  int timeouts(SocketId s, uint64_t* receive_ns, uint64_t* send_ns) const;

  // ---- statistics ----
  const NetCounters& counters() const;

  // Internal state, for tests and diagnostics.
  NetCore& core() { return *core_; }

 private:
  NetEnv& env_;
  NetConfig config_;
  NetCore* core_ = nullptr;
};

}  // namespace net
