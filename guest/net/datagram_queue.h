// The receive queue of a datagram socket (UDP, ICMP echo): whole datagrams
// with their source, charged against SO_RCVBUF the way Linux charges
// sk_rmem_alloc: a datagram is queued while the bytes already charged do not
// exceed the limit, so one datagram always fits.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "net_env.h"

namespace net {

// Bookkeeping charged per datagram on top of its payload (Linux charges the
// sk_buff's truesize; this is a comparable fixed amount).
inline constexpr uint32_t kDatagramOverhead = 256;

struct Datagram {
  Datagram* next = nullptr;
  Ipv4Addr source = 0;
  uint16_t source_port = 0;
  uint32_t len = 0;
  uint8_t* data() { return reinterpret_cast<uint8_t*>(this + 1); }
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(this + 1); }
};

class DatagramQueue {
 public:
  DatagramQueue() = default;
  DatagramQueue(const DatagramQueue&) = delete;
  DatagramQueue& operator=(const DatagramQueue&) = delete;

  // Copies the payload in; false if over the limit or out of memory.
  bool push(NetEnv& env, Ipv4Addr source, uint16_t source_port, ByteView payload, uint32_t limit);
  const Datagram* front() const { return head_; }
  void pop(NetEnv& env);
  void clear(NetEnv& env);
  bool empty() const { return head_ == nullptr; }
  uint32_t count() const { return count_; }
  uint64_t charged() const { return charged_; }

 private:
  Datagram* head_ = nullptr;
  Datagram* tail_ = nullptr;
  uint32_t count_ = 0;
  uint64_t charged_ = 0;
};

}  // namespace net
