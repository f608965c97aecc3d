// A socket as the stack keeps it: the options every socket has, the
// endpoint of a datagram socket, and a link to its protocol state (a TCP
// connection, an AF_UNIX endpoint). Sockets live in the SocketTable, which
// hands out SocketIds.
#pragma once

#include <stdint.h>

#include "bytes.h"
#include "datagram_queue.h"
#include "list.h"
#include "socket_abi.h"

namespace net {

struct TcpConnection;
struct UnixEndpoint;
struct NetCore;

enum class SocketKind : uint8_t { Tcp, Udp, Icmp, Unix };

// Linux's sock->state: whether connect() has been reported to the caller.
enum class ConnectState : uint8_t { Unconnected, Connecting, Connected };

// Shutdown bits (Linux RCV_SHUTDOWN / SEND_SHUTDOWN).
inline constexpr uint8_t kReceiveShutdown = 1;
inline constexpr uint8_t kSendShutdown = 2;
inline constexpr uint8_t kShutdownBoth = 3;

struct Socket {
  SocketId id = -1;
  SocketKind kind = SocketKind::Udp;
  void* cookie = nullptr;

  // SOL_SOCKET options (SO_RCVTIMEO/SO_SNDTIMEO are only stored: blocking is
  // the glue's).
  bool reuse_addr = false;
  bool broadcast = false;
  bool keepalive = false;
  uint32_t rcvbuf = 0;  // as getsockopt reports it (twice the setsockopt value)
  uint32_t sndbuf = 0;
  uint64_t rcvtimeo_ns = 0;  // 0: wait forever
  uint64_t sndtimeo_ns = 0;

  int error = 0;  // pending SO_ERROR of a datagram socket (positive errno)
  uint8_t shutdown = 0;
  ConnectState connect_state = ConnectState::Unconnected;

  // Datagram endpoints (TCP keeps its endpoints in the connection).
  Ipv4Addr local_addr = kIpv4Any;
  uint16_t local_port = 0;  // UDP port or ICMP echo identifier; 0 = unbound
  Ipv4Addr peer_addr = kIpv4Any;
  uint16_t peer_port = 0;
  Link<Socket> protocol_link;  // on Udp's or Icmp's socket list
  DatagramQueue datagrams;

  TcpConnection* tcp = nullptr;
  UnixEndpoint* unix_endpoint = nullptr;

  bool bound() const { return local_port != 0; }
  bool datagram() const { return kind == SocketKind::Udp || kind == SocketKind::Icmp; }
};

class SocketTable {
 public:
  explicit SocketTable(NetCore& core) : core_(core) {}
  SocketTable(const SocketTable&) = delete;
  SocketTable& operator=(const SocketTable&) = delete;

  // A new socket with default options, or nullptr (-EMFILE/-ENOMEM: see
  // last_error()).
  Socket* create(SocketKind kind);
  Socket* get(SocketId id) const;
  // Walks every slot (nullptr for a free one); slot < capacity().
  Socket* at_slot(uint32_t slot) const;
  uint32_t capacity() const { return capacity_; }
  void destroy(Socket* socket);
  // Frees the table itself (sockets must be gone).
  void release();
  int last_error() const { return last_error_; }
  uint32_t live() const { return live_; }

 private:
  bool grow();

  NetCore& core_;
  Socket** slots_ = nullptr;
  uint16_t* generations_ = nullptr;
  uint32_t capacity_ = 0;
  uint32_t live_ = 0;
  uint32_t next_free_hint_ = 0;
  int last_error_ = 0;
};

}  // namespace net
