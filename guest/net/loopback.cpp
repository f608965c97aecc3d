#include "loopback.h"

#include "core.h"

namespace net {

// Packets delivered per drain() before giving the caller back control; the
// rest wait for the next entry point (next_deadline() says "now").
static constexpr uint32_t kDrainBudget = 4096;

bool Loopback::enqueue(const uint8_t* packet, size_t len) {
  if (count_ >= core_.config.loopback_queue_limit) {
    core_.counters.ipv4.loopback_drops++;
    return false;
  }
  void* block = core_.env.allocate(sizeof(Packet) + len);
  if (block == nullptr) {
    core_.counters.ipv4.loopback_drops++;
    return false;
  }
  auto* p = new (block) Packet{nullptr, len};
  copy_bytes(p->bytes(), packet, len);
  if (tail_ != nullptr) tail_->next = p; else head_ = p;
  tail_ = p;
  count_++;
  core_.counters.ipv4.loopback_packets++;
  return true;
}

void Loopback::drain() {
  if (draining_) return;
  draining_ = true;
  for (uint32_t budget = kDrainBudget; head_ != nullptr && budget > 0; --budget) {
    Packet* p = head_;
    head_ = p->next;
    if (head_ == nullptr) tail_ = nullptr;
    count_--;
    Interface& lo = core_.interfaces[kLoopbackInterface];
    lo.counters.rx_frames++;
    lo.counters.rx_bytes += p->len;
    core_.ipv4.receive(kLoopbackInterface, ByteView{p->bytes(), p->len});
    core_.env.release(p, sizeof(Packet) + p->len);
  }
  draining_ = false;
}

void Loopback::release_all() {
  while (Packet* p = head_) {
    head_ = p->next;
    core_.env.release(p, sizeof(Packet) + p->len);
  }
  tail_ = nullptr;
  count_ = 0;
}

}  // namespace net
