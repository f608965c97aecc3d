#include "datagram_queue.h"

namespace net {

static uint64_t charge_of(uint32_t len) { return uint64_t{len} + kDatagramOverhead; }

bool DatagramQueue::push(NetEnv& env, Ipv4Addr source, uint16_t source_port, ByteView payload,
                         uint32_t limit) {
  if (charged_ > limit) return false;
  void* block = env.allocate(sizeof(Datagram) + payload.len);
  if (block == nullptr) return false;
  auto* d = new (block) Datagram;
  d->source = source;
  d->source_port = source_port;
  d->len = static_cast<uint32_t>(payload.len);
  copy_bytes(d->data(), payload.data, payload.len);
  if (tail_ != nullptr) tail_->next = d; else head_ = d;
  tail_ = d;
  ++count_;
  charged_ += charge_of(d->len);
  return true;
}

void DatagramQueue::pop(NetEnv& env) {
  Datagram* d = head_;
  if (d == nullptr) return;
  head_ = d->next;
  if (head_ == nullptr) tail_ = nullptr;
  --count_;
  charged_ -= charge_of(d->len);
  env.release(d, sizeof(Datagram) + d->len);
}

void DatagramQueue::clear(NetEnv& env) {
  while (head_ != nullptr) pop(env);
}

}  // namespace net
