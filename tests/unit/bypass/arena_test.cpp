// The bypass stack's allocator: no system call, so everything it hands out
// must come from the caller's block, aligned as NetEnv promises, and be
// reused once released.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "guest/user/bypass/arena.h"

namespace bypass {
namespace {

struct alignas(16) Block64K {
  uint8_t bytes[64 * 1024];
};

TEST(BypassArena, HandsOutAlignedBlocksInsideTheCallersMemory) {
  static Block64K memory;
  Arena arena;
  arena.init(memory.bytes + 3, sizeof memory.bytes - 3);  // a misaligned start is rounded up
  for (size_t size : {1u, 15u, 16u, 17u, 100u, 1514u, 4096u}) {
    auto* p = static_cast<uint8_t*>(arena.allocate(size));
    ASSERT_NE(p, nullptr) << size;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % Arena::kAlignment, 0u) << size;
    EXPECT_GE(p, memory.bytes + 3);
    EXPECT_LE(p + size, memory.bytes + sizeof memory.bytes);
  }
}

TEST(BypassArena, ReusesAReleasedBlockOfTheSameClass) {
  static Block64K memory;
  Arena arena;
  arena.init(memory.bytes, sizeof memory.bytes);
  void* a = arena.allocate(1000);
  void* b = arena.allocate(1000);
  ASSERT_NE(a, b);
  arena.release(a, 1000);
  EXPECT_EQ(arena.allocate(900), a);  // same class (1 KiB): the freed block
  EXPECT_NE(arena.allocate(3000), a);  // another class: never a freed 1 KiB block
  EXPECT_EQ(arena.bytes_in_use(), 1024u + 1024u + 4096u);
}

TEST(BypassArena, RunsOutCleanlyAndRecoversWhatIsReleased) {
  static Block64K memory;
  Arena arena;
  arena.init(memory.bytes, sizeof memory.bytes);
  std::vector<void*> blocks;
  while (void* p = arena.allocate(4096)) blocks.push_back(p);
  EXPECT_EQ(blocks.size(), 16u);
  EXPECT_EQ(arena.failed_allocations(), 1u);
  EXPECT_EQ(arena.allocate(SIZE_MAX), nullptr);  // no class holds it
  arena.release(blocks.back(), 4096);
  EXPECT_EQ(arena.allocate(4096), blocks.back());
}

}  // namespace
}  // namespace bypass
