// Socket ids: slot index in the low 16 bits, the slot's generation above
// (15 bits, so ids stay positive), so that a stale id never reaches a
// socket created later in the same slot.
#include "core.h"
#include "net_errno.h"

namespace net {

namespace {

constexpr uint32_t kMaxSlots = 0x10000;
constexpr uint16_t kMaxGeneration = 0x7fff;

SocketId make_id(uint32_t slot, uint16_t generation) {
  return static_cast<SocketId>(static_cast<uint32_t>(generation) << 16 | slot);
}

}  // namespace

bool SocketTable::grow() {
  uint32_t limit = min_of<uint32_t>(core_.config.max_sockets, kMaxSlots);
  if (capacity_ >= limit) return false;
  uint32_t capacity = min_of<uint32_t>(capacity_ == 0 ? 16 : capacity_ * 2, limit);
  auto** slots = static_cast<Socket**>(core_.env.allocate(capacity * sizeof(Socket*)));
  auto* generations = static_cast<uint16_t*>(core_.env.allocate(capacity * sizeof(uint16_t)));
  if (slots == nullptr || generations == nullptr) {
    if (slots != nullptr) core_.env.release(slots, capacity * sizeof(Socket*));
    if (generations != nullptr) core_.env.release(generations, capacity * sizeof(uint16_t));
    return false;
  }
  for (uint32_t i = 0; i < capacity; ++i) {
    slots[i] = i < capacity_ ? slots_[i] : nullptr;
    generations[i] = i < capacity_ ? generations_[i] : 0;
  }
  release();
  slots_ = slots;
  generations_ = generations;
  capacity_ = capacity;
  return true;
}

void SocketTable::release() {
  if (slots_ != nullptr) core_.env.release(slots_, capacity_ * sizeof(Socket*));
  if (generations_ != nullptr) core_.env.release(generations_, capacity_ * sizeof(uint16_t));
  slots_ = nullptr;
  generations_ = nullptr;
  capacity_ = 0;
}

Socket* SocketTable::create(SocketKind kind) {
  if (live_ >= core_.config.max_sockets) {
    last_error_ = err::kMFile;
    return nullptr;
  }
  uint32_t slot = capacity_;
  for (uint32_t i = 0; i < capacity_; ++i) {
    uint32_t candidate = (next_free_hint_ + i) % capacity_;
    if (slots_[candidate] == nullptr) {
      slot = candidate;
      break;
    }
  }
  if (slot == capacity_ && !grow()) {
    last_error_ = capacity_ >= core_.config.max_sockets ? err::kMFile : err::kNoMem;
    return nullptr;
  }
  Socket* s = create_object<Socket>(core_.env);
  if (s == nullptr) {
    last_error_ = err::kNoMem;
    return nullptr;
  }
  uint16_t generation = generations_[slot] >= kMaxGeneration ? 1 : generations_[slot] + 1;
  generations_[slot] = generation;
  slots_[slot] = s;
  s->id = make_id(slot, generation);
  s->kind = kind;
  next_free_hint_ = slot + 1;
  live_++;
  return s;
}

Socket* SocketTable::get(SocketId id) const {
  if (id < 0) return nullptr;
  uint32_t slot = static_cast<uint32_t>(id) & 0xffff;
  uint16_t generation = static_cast<uint16_t>(static_cast<uint32_t>(id) >> 16);
  if (slot >= capacity_ || slots_[slot] == nullptr || generations_[slot] != generation) return nullptr;
  return slots_[slot];
}

Socket* SocketTable::at_slot(uint32_t slot) const {
  return slot < capacity_ ? slots_[slot] : nullptr;
}

void SocketTable::destroy(Socket* s) {
  uint32_t slot = static_cast<uint32_t>(s->id) & 0xffff;
  slots_[slot] = nullptr;
  destroy_object(core_.env, s);
  live_--;
}

}  // namespace net
