// BypassNet: the guest's network stack (guest/net) run inside one user
// process over shm0's mapped rings, with no system call on the data path
// (issue 18, step 2). One interface, "shm0", on the rings; loopback as
// always. The process drives it: poll() moves what the host sent into the
// stack and runs the timers that are due; frames leave inline, from inside
// the socket calls and poll(), through ShmRingDevice::transmit.
//
// The socket calls are the stack's (net/net_stack.h: Linux semantics,
// non-blocking, -errno results). The *_until helpers spin poll() until the
// call can complete or `deadline_ns` (on the caller's clock; kNoDeadline
// for none) passes: -ETIMEDOUT then. Once the rings break or the host stops
// the device, poll() and every helper return -ENETDOWN, and failure() says
// where and why.
//
// Single-threaded, like the stack. The destructor is trivial on purpose
// (user programs have no atexit, and a constinit global must not need one):
// stop() tears the stack down and tells the host this side stopped.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "bypass_env.h"
#include "net/net_stack.h"
#include "shm_ring_device.h"

namespace bypass {

inline constexpr int kNetDown = 100;  // ENETDOWN (Linux): the device stopped

struct BypassConfig {
  // shm0's shared region as mapped into this process, and its size.
  void* region = nullptr;
  uint64_t region_size = 0;
  // The interface: the kernel's shm0 defaults (guest/netglue/netif.cpp):
  // 10.0.3.15/24 on the VMM's device network, whose host side is 10.0.3.2.
  net::MacAddress mac = ShmRingDevice::kDefaultMac;
  net::Ipv4Addr address = net::make_ipv4(10, 0, 3, 15);
  uint8_t prefix_len = 24;
  net::Ipv4Addr gateway = net::make_ipv4(10, 0, 3, 2);  // 0: no default route
  // Time and memory: no system call behind either.
  Clock clock;
  void* arena = nullptr;
  size_t arena_size = 0;
  uint64_t seed = 0;  // stirred into random32 (bypass_env.h)
  net::NetConfig stack = net::NetConfig{};
};

// Why start() failed or the device stopped.
struct Failure {
  int error;               // 0, or negative errno: -EINVAL, -ENOMEM, -ENETDOWN
  shmem::ShmemError ring;  // kNone unless the rings refused or broke
  const char* where;       // "config", "stack", "attach", "host", "guest-to-host ring", ...
  const char* what;        // the reason when it is not the rings'
  uint32_t bad_value;      // the offending index or length the rings read

  bool failed() const { return error != 0; }
  const char* reason() const { return ring != shmem::ShmemError::kNone ? shmem::shmem_error_name(ring) : what; }
};

class BypassNet {
 public:
  // What the stack's own state takes in the Arena's power-of-two classes
  // (its 64 KiB transmit frame alone is a 128 KiB block), with room for a
  // few UDP sockets. A TCP connection needs its buffers on top: with the
  // default NetConfig about 400 KiB while it moves data both ways (measured
  // by tests/unit/bypass, "arena peak").
  static constexpr size_t kMinArena = 256 * 1024;
  // Frames one poll() hands to the stack at most, so that a busy ring
  // cannot keep the timers from running.
  static constexpr uint32_t kPollBudget = 256;

  constexpr BypassNet() = default;
  BypassNet(const BypassNet&) = delete;
  BypassNet& operator=(const BypassNet&) = delete;

  // Attaches to the rings and brings the stack up with shm0 configured.
  // 0, or a negative errno with failure() saying why.
  int start(const BypassConfig& config);
  // Closes the stack (every socket) and detaches from the rings.
  void stop();

  // Receives up to kPollBudget frames, then ticks the stack if a timer is
  // due. Frames handled, or -ENETDOWN.
  int poll();
  bool running() const { return stack_ != nullptr && !device_.broken(); }
  Failure failure() const;

  // ---- socket calls: net::NetStack's, non-blocking (bypass_sockets.cpp) ----
  // Each returns -ENETDOWN once the device has stopped (or before start()),
  // so a caller that never calls poll() still learns of it; close() still
  // frees the socket then.
  int socket(int domain, int type, int protocol);
  int bind(net::SocketId s, const void* addr, uint32_t len);
  int listen(net::SocketId s, int backlog);
  int accept(net::SocketId s, void* addr, uint32_t* len);
  int connect(net::SocketId s, const void* addr, uint32_t len);
  int64_t send(net::SocketId s, const void* buf, size_t n, int flags);
  int64_t recv(net::SocketId s, void* buf, size_t n, int flags);
  int64_t sendto(net::SocketId s, const void* buf, size_t n, int flags, const void* addr, uint32_t len);
  int64_t recvfrom(net::SocketId s, void* buf, size_t n, int flags, void* addr, uint32_t* len);
  // sendmsg(2)/recvmsg(2): the iovecs gathered into one datagram (or
  // stream bytes) and one datagram scattered into them, msg.name in and
  // out as sendto/recvfrom's address (recvmsg sets msg->namelen and
  // MSG_TRUNC in msg->flags). Linux's errors: -EMSGSIZE above UIO_MAXIOV
  // iovecs or a UDP payload over 65507 bytes, -EFAULT for iovecs without
  // an array, -EINVAL for lengths past MAX_RW_COUNT or a short address.
  int64_t sendmsg(net::SocketId s, const net::MsgHeader& msg, int flags);
  int64_t recvmsg(net::SocketId s, net::MsgHeader* msg, int flags);
  int shutdown(net::SocketId s, int how);
  int close(net::SocketId s);  // -EBADF before start() or after stop()
  int setsockopt(net::SocketId s, int level, int name, const void* value, uint32_t len);
  int getsockopt(net::SocketId s, int level, int name, void* value, uint32_t* len);
  int getsockname(net::SocketId s, void* addr, uint32_t* len);
  // The stack's poll mask (POLLIN, POLLOUT, ...), with POLLERR once the
  // device has stopped; POLLNVAL before start() or after stop().
  uint32_t poll_events(net::SocketId s) const;

  // ---- blocking helpers: spin poll() until done or deadline_ns ----
  uint64_t now_ns() const { return env_.clock().now_ns(); }
  uint64_t deadline_after(uint64_t ns) const;
  // The socket's poll mask once it has one of `events` (or an error or
  // hang-up); -ETIMEDOUT, -ENETDOWN.
  int64_t wait_until(net::SocketId s, uint32_t events, uint64_t deadline_ns);
  // TCP: 0 once established; the connection's error (-ECONNREFUSED, ...).
  int connect_until(net::SocketId s, const void* addr, uint32_t len, uint64_t deadline_ns);
  // A new socket id.
  int accept_until(net::SocketId s, void* addr, uint32_t* len, uint64_t deadline_ns);
  // Bytes received (at least 1), 0 at end of stream.
  int64_t recv_until(net::SocketId s, void* buf, size_t n, uint64_t deadline_ns);
  int64_t recvfrom_until(net::SocketId s, void* buf, size_t n, void* addr, uint32_t* len, uint64_t deadline_ns);
  int64_t recvmsg_until(net::SocketId s, net::MsgHeader* msg, uint64_t deadline_ns);
  // All n bytes (TCP), or the error that stopped it.
  int64_t send_all_until(net::SocketId s, const void* buf, size_t n, uint64_t deadline_ns);

  // ---- state, for diagnostics and tests ----
  net::NetStack& stack() { return *stack_; }
  const ShmRingDevice& device() const { return device_; }
  const BypassEnv& env() const { return env_; }
  int interface_index() const { return iface_; }

 private:
  static void deliver(void* self, const uint8_t* frame, size_t len);
  int fail(int error, const char* where, const char* what);
  // poll() once; -ENETDOWN, -ETIMEDOUT past the deadline, or 0 to go on.
  int step(uint64_t deadline_ns);
  // wait_until for the *_until helpers' retry loops.
  int64_t wait_to_retry(net::SocketId s, uint32_t events, uint64_t deadline_ns);
  // Calls receive() until it has something other than -EAGAIN to say.
  template <typename Receive>
  int64_t receive_until(net::SocketId s, uint64_t deadline_ns, Receive receive);
  int bring_up(const BypassConfig& config);

  BypassEnv env_;
  ShmRingDevice device_;
  alignas(net::NetStack) uint8_t stack_storage_[sizeof(net::NetStack)] = {};
  net::NetStack* stack_ = nullptr;
  int iface_ = -1;
  int error_ = 0;
  const char* where_ = "";
  const char* what_ = "";
};

// A sockaddr_in for address:port (host byte order in, network order out).
net::SockAddrIn ipv4_socket_address(net::Ipv4Addr address, uint16_t port);

}  // namespace bypass
