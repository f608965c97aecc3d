#include "mm/kheap.h"

#include "arch/x86/include/layout.h"
#include "lib/kstring.h"
#include "lib/spinlock.h"
#include "mm/pmm.h"

namespace kheap {
namespace {

// Size classes: powers of two from 16 bytes to 2 KiB; a frame holds a whole
// number of blocks of one class. Larger requests take whole frames.
constexpr size_t kMinClassShift = 4;
constexpr size_t kMaxClassShift = 11;
constexpr size_t kClasses = kMaxClassShift - kMinClassShift + 1;

struct FreeBlock {
  FreeBlock* next;
};

struct SizeClass {
  FreeBlock* free = nullptr;
};

constinit SpinLock g_lock;
SizeClass g_classes[kClasses];
Usage g_usage;

size_t class_of(size_t bytes) {
  size_t c = 0;
  while ((size_t{1} << (c + kMinClassShift)) < bytes) ++c;
  return c;
}

size_t class_size(size_t c) { return size_t{1} << (c + kMinClassShift); }

// Cuts a fresh frame into blocks of class c. Lock held.
bool refill(size_t c) {
  uint64_t frame = pmm::alloc();
  if (frame == 0) return false;
  auto* base = layout::phys_to_virt<uint8_t>(frame);
  size_t size = class_size(c);
  for (size_t off = 0; off + size <= layout::kPageSize; off += size) {
    auto* b = reinterpret_cast<FreeBlock*>(base + off);
    b->next = g_classes[c].free;
    g_classes[c].free = b;
  }
  g_usage.slab_frames++;
  return true;
}

uint32_t frames_for(size_t bytes) {
  return static_cast<uint32_t>((bytes + layout::kPageSize - 1) / layout::kPageSize);
}

void* allocate_large(size_t bytes, bool zero) {
  uint32_t n = frames_for(bytes);
  uint64_t phys = pmm::alloc_contiguous(n);
  if (phys == 0) return nullptr;
  void* p = layout::phys_to_virt(phys);
  if (zero) memset(p, 0, size_t{n} * layout::kPageSize);  // alloc_contiguous does not
  SpinLocker lock(g_lock);
  g_usage.large_bytes += size_t{n} * layout::kPageSize;
  return p;
}

}  // namespace

void* allocate(size_t bytes, bool zero) {
  if (bytes == 0) bytes = 1;
  if (bytes > class_size(kClasses - 1)) return allocate_large(bytes, zero);
  size_t c = class_of(bytes);
  FreeBlock* b;
  {
    SpinLocker lock(g_lock);
    if (g_classes[c].free == nullptr && !refill(c)) return nullptr;
    b = g_classes[c].free;
    g_classes[c].free = b->next;
    g_usage.small_bytes += class_size(c);
  }
  if (zero) memset(b, 0, class_size(c));
  return b;
}

void release(void* block, size_t bytes) {
  if (block == nullptr) return;
  if (bytes == 0) bytes = 1;
  uint64_t phys = reinterpret_cast<uint64_t>(block) - layout::kDirectMapBase;
  if (bytes > class_size(kClasses - 1)) {
    uint32_t n = frames_for(bytes);
    pmm::put_contiguous(phys, n);
    SpinLocker lock(g_lock);
    g_usage.large_bytes -= size_t{n} * layout::kPageSize;
    return;
  }
  // Small blocks go back to their class, never to the frame allocator: the
  // classes keep what the peak needed, and a steady load allocates nothing.
  size_t c = class_of(bytes);
  auto* b = static_cast<FreeBlock*>(block);
  SpinLocker lock(g_lock);
  b->next = g_classes[c].free;
  g_classes[c].free = b;
  g_usage.small_bytes -= class_size(c);
}

Usage usage() {
  SpinLocker lock(g_lock);
  return g_usage;
}

}  // namespace kheap
