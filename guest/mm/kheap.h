// The kernel heap: small blocks from per-size slabs of single frames, large
// blocks as runs of contiguous frames. For kernel objects whose size is not
// a page (open files, the network stack's sockets and buffers); everything
// is reached through the direct map.
//
// Like the network stack's NetEnv contract, a block is returned with the
// size it was allocated with, so no header is needed and a 2 KiB block
// really takes 2 KiB.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kheap {

// 16-byte aligned memory, zeroed unless zero is false (zeroing costs: on a
// host that emulates kernel code, 64 KiB take ~10 ms), or nullptr.
void* allocate(size_t bytes, bool zero = true);
// Gives back a block from allocate(bytes) (nullptr is ignored).
void release(void* block, size_t bytes);

struct Usage {
  uint64_t small_bytes;  // live small blocks, rounded to their size class
  uint64_t large_bytes;  // live large blocks, in whole frames
  uint64_t slab_frames;  // frames the small classes hold (free blocks included)
};
Usage usage();

}  // namespace kheap
