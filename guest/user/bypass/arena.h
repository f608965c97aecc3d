// Memory for the bypass stack from one caller-given block, with no system
// call: blocks are carved off the front (bump) and, once released, kept on a
// free list per power-of-two size class for the next request of that class.
//
// Why this shape: the stack asks for a small set of sizes again and again
// (packets, sockets, connections, buffers: net_env.h) and always gives a
// block back with the size it asked for, so the size class is known on
// release and no header is needed. Rounding up to a power of two wastes at
// most half of a block and never fragments a class; memory of one class is
// never reused by another (no splitting or merging), which suits a process
// whose mix of sockets stays the same while it runs.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace bypass {

class Arena {
 public:
  static constexpr size_t kAlignment = 16;  // what NetEnv::allocate promises
  static constexpr size_t kMinBlock = 16;   // holds the free list's link
  static constexpr int kClasses = 48;       // 16 B .. 2^51 B: any size_t request that fits

  constexpr Arena() = default;

  // Takes [memory, memory + bytes); the start is rounded up to kAlignment.
  void init(void* memory, size_t bytes);

  // A block of at least `bytes` (aligned to kAlignment), or nullptr when the
  // memory is used up.
  void* allocate(size_t bytes);
  // `bytes` is what allocate() was asked for.
  void release(void* block, size_t bytes);

  size_t bytes_in_use() const { return in_use_; }  // in whole classes
  size_t peak_bytes_in_use() const { return peak_in_use_; }
  size_t bytes_never_used() const { return static_cast<size_t>(end_ - next_); }
  uint64_t failed_allocations() const { return failed_; }

 private:
  struct FreeBlock {
    FreeBlock* next;
  };
  // Index of the smallest class holding `bytes`, or -1 if none can.
  static int class_of(size_t bytes);
  static size_t class_size(int c) { return kMinBlock << c; }

  uint8_t* next_ = nullptr;
  uint8_t* end_ = nullptr;
  FreeBlock* free_[kClasses] = {};
  size_t in_use_ = 0;
  size_t peak_in_use_ = 0;
  uint64_t failed_ = 0;
};

}  // namespace bypass
