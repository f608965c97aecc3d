// The loopback interface: packets the stack sends to itself wait in a queue
// and are delivered when the current entry point finishes (never from inside
// the layer that sent them, so no layer is re-entered).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace net {

struct NetCore;

class Loopback {
 public:
  explicit Loopback(NetCore& core) : core_(core) {}
  Loopback(const Loopback&) = delete;
  Loopback& operator=(const Loopback&) = delete;

  // Copies an IPv4 packet; false if the queue is full or memory ran out.
  bool enqueue(const uint8_t* packet, size_t len);
  // Delivers queued packets, including those queued meanwhile, up to a bound
  // per call; anything left makes next_deadline() "now".
  void drain();
  bool empty() const { return head_ == nullptr; }
  void release_all();

 private:
  struct Packet {
    Packet* next;
    size_t len;
    uint8_t* bytes() { return reinterpret_cast<uint8_t*>(this + 1); }
  };

  NetCore& core_;
  Packet* head_ = nullptr;
  Packet* tail_ = nullptr;
  uint32_t count_ = 0;
  bool draining_ = false;
};

}  // namespace net
