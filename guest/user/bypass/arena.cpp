#include "arena.h"

namespace bypass {

void Arena::init(void* memory, size_t bytes) {
  uintptr_t start = reinterpret_cast<uintptr_t>(memory);
  uintptr_t end = start + bytes;
  uintptr_t aligned = (start + kAlignment - 1) & ~(uintptr_t{kAlignment} - 1);
  if (memory == nullptr || aligned > end) aligned = end = 0;
  next_ = reinterpret_cast<uint8_t*>(aligned);
  end_ = reinterpret_cast<uint8_t*>(end);
  for (FreeBlock*& head : free_) head = nullptr;
  in_use_ = peak_in_use_ = 0;
  failed_ = 0;
}

int Arena::class_of(size_t bytes) {
  for (int c = 0; c < kClasses; ++c) {
    if (bytes <= class_size(c)) return c;
  }
  return -1;
}

void* Arena::allocate(size_t bytes) {
  int c = class_of(bytes);
  if (c < 0) {
    ++failed_;
    return nullptr;
  }
  size_t size = class_size(c);
  void* block = nullptr;
  if (free_[c] != nullptr) {
    block = free_[c];
    free_[c] = free_[c]->next;
  } else if (size <= static_cast<size_t>(end_ - next_)) {
    // Every class is a multiple of kAlignment, so next_ stays aligned.
    block = next_;
    next_ += size;
  } else {
    ++failed_;
    return nullptr;
  }
  in_use_ += size;
  if (in_use_ > peak_in_use_) peak_in_use_ = in_use_;
  return block;
}

void Arena::release(void* block, size_t bytes) {
  int c = class_of(bytes);
  if (block == nullptr || c < 0) return;
  auto* freed = static_cast<FreeBlock*>(block);
  freed->next = free_[c];
  free_[c] = freed;
  in_use_ -= class_size(c);
}

}  // namespace bypass
