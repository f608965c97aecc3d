// The replaceable global allocation functions ([new.delete]), counting
// malloc_usable_size() of every block in and out. Only this test binary
// links it.
#include "tests/unit/app/heap_meter.h"

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace vmm::testing {
namespace {

std::atomic<int64_t> live_bytes{0};

void* counted(void* block) {
  if (block) live_bytes.fetch_add(static_cast<int64_t>(malloc_usable_size(block)), std::memory_order_relaxed);
  return block;
}

void* allocate(std::size_t size) {
  void* block = counted(std::malloc(size ? size : 1));
  if (!block) throw std::bad_alloc();
  return block;
}

void* allocate_aligned(std::size_t size, std::align_val_t align) {
  std::size_t alignment = static_cast<std::size_t>(align);
  std::size_t rounded = (size + alignment - 1) / alignment * alignment;
  void* block = counted(std::aligned_alloc(alignment, rounded ? rounded : alignment));
  if (!block) throw std::bad_alloc();
  return block;
}

void release(void* block) noexcept {
  if (!block) return;
  live_bytes.fetch_sub(static_cast<int64_t>(malloc_usable_size(block)), std::memory_order_relaxed);
  std::free(block);
}

}  // namespace

int64_t live_heap_bytes() { return live_bytes.load(std::memory_order_relaxed); }

}  // namespace vmm::testing

using vmm::testing::allocate;
using vmm::testing::allocate_aligned;
using vmm::testing::release;

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void* operator new(std::size_t size, std::align_val_t align) { return allocate_aligned(size, align); }
void* operator new[](std::size_t size, std::align_val_t align) { return allocate_aligned(size, align); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return vmm::testing::counted(std::malloc(size ? size : 1));
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return vmm::testing::counted(std::malloc(size ? size : 1));
}
void operator delete(void* block) noexcept { release(block); }
void operator delete[](void* block) noexcept { release(block); }
void operator delete(void* block, std::size_t) noexcept { release(block); }
void operator delete[](void* block, std::size_t) noexcept { release(block); }
void operator delete(void* block, std::align_val_t) noexcept { release(block); }
void operator delete[](void* block, std::align_val_t) noexcept { release(block); }
void operator delete(void* block, std::size_t, std::align_val_t) noexcept { release(block); }
void operator delete[](void* block, std::size_t, std::align_val_t) noexcept { release(block); }
void operator delete(void* block, const std::nothrow_t&) noexcept { release(block); }
void operator delete[](void* block, const std::nothrow_t&) noexcept { release(block); }
