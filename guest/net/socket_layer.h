// The socket calls with Linux semantics, dispatched by socket kind. Every
// call is non-blocking: "would block" is -EAGAIN and the glue waits for
// readiness (poll) and retries. Kernel pointers only: the glue copies from
// and to user space.
//   socket_create.cpp   socket, socketpair, accept, close
//   socket_bind.cpp     bind, listen, connect, getsockname, getpeername
//   socket_io.cpp       sendmsg, recvmsg, shutdown
//   socket_options.cpp  setsockopt, getsockopt
//   socket_poll.cpp     readiness masks and wake-ups
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "socket.h"
#include "socket_abi.h"

namespace net {

struct NetCore;

class SocketLayer {
 public:
  explicit SocketLayer(NetCore& core) : table(core), core_(core) {}
  SocketLayer(const SocketLayer&) = delete;
  SocketLayer& operator=(const SocketLayer&) = delete;

  int socket(int domain, int type, int protocol);
  int socketpair(int domain, int type, int protocol, SocketId out[2]);
  int bind(SocketId id, const void* addr, uint32_t addrlen);
  int listen(SocketId id, int backlog);
  int accept(SocketId id, void* addr, uint32_t* addrlen);
  int connect(SocketId id, const void* addr, uint32_t addrlen);
  int64_t sendmsg(SocketId id, const MsgHeader& msg, int flags);
  int64_t recvmsg(SocketId id, MsgHeader* msg, int flags);
  int shutdown(SocketId id, int how);
  int close(SocketId id);
  int setsockopt(SocketId id, int level, int name, const void* value, uint32_t len);
  int getsockopt(SocketId id, int level, int name, void* value, uint32_t* len);
  int getsockname(SocketId id, void* addr, uint32_t* addrlen);
  int getpeername(SocketId id, void* addr, uint32_t* addrlen);
  uint32_t poll(SocketId id) const;
  uint32_t poll(const Socket& s) const;
  int set_cookie(SocketId id, void* cookie);
  int timeouts(SocketId id, uint64_t* receive_ns, uint64_t* send_ns) const;

  // Tells the glue the socket's readiness may have changed.
  void notify(Socket& s);
  void release_all();

  SocketTable table;

 private:
  Socket* new_socket(SocketKind kind);
  void destroy_socket(Socket* s);
  int bind_datagram(Socket& s, Ipv4Addr address, uint16_t port);
  int autobind_datagram(Socket& s);
  int connect_tcp(Socket& s, const void* addr, uint32_t addrlen);
  int renew_connection(Socket& s);
  int connect_datagram(Socket& s, const void* addr, uint32_t addrlen);
  int64_t send_datagram(Socket& s, const MsgHeader& msg);
  int64_t recv_datagram(Socket& s, MsgHeader* msg, int flags);
  int64_t send_stream(Socket& s, const MsgHeader& msg);
  int64_t recv_stream(Socket& s, MsgHeader* msg, int flags);
  int shutdown_datagram(Socket& s, uint8_t how);
  int set_socket_option(Socket& s, int name, const void* value, uint32_t len);
  int get_socket_option(Socket& s, int name, void* value, uint32_t* len);
  int set_buffer_size(Socket& s, int name, int requested);
  uint32_t poll_datagram(const Socket& s) const;

  NetCore& core_;
};

}  // namespace net
