// AF_UNIX stream socket pairs (socketpair(2)): two endpoints, each with a
// ring of bytes the other side writes into. No file-system names.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "byte_ring.h"
#include "socket_abi.h"

namespace net {

struct NetCore;
struct Socket;

struct UnixEndpoint {
  Socket* socket = nullptr;
  UnixEndpoint* peer = nullptr;  // nullptr once the peer is closed
  ByteRing incoming;             // bytes the peer wrote, for this side to read
  bool peer_closed = false;
  bool unread_at_peer_close = false;  // Linux: the peer then reads ECONNRESET
};

class UnixSockets {
 public:
  explicit UnixSockets(NetCore& core) : core_(core) {}
  UnixSockets(const UnixSockets&) = delete;
  UnixSockets& operator=(const UnixSockets&) = delete;

  int create_pair(Socket* a, Socket* b);
  int64_t send(Socket& s, const IoVec* iov, size_t iovlen);
  int64_t read(Socket& s, const IoVec* iov, size_t iovlen, bool peek);
  int shutdown(Socket& s, uint8_t how);
  void close(Socket& s);
  // Frees the endpoint without telling the peer (stack teardown).
  void release(Socket& s);
  uint32_t poll(const Socket& s) const;

 private:
  NetCore& core_;
};

}  // namespace net
