#include <gtest/gtest.h>

#include <memory>

#include "hv/bus/bus.h"

namespace vmm {
namespace {

class NullDevice : public BusDevice {
 public:
  void read(const BusAccess&, std::span<uint8_t>) override {}
  void write(const BusAccess&, std::span<const uint8_t>) override {}
};

TEST(Bus, FindsTheRangeHoldingAnAddress) {
  Bus bus("pio");
  auto a = std::make_shared<NullDevice>();
  auto b = std::make_shared<NullDevice>();
  ASSERT_TRUE(bus.insert(0x3f8, 8, "uart", a).ok());
  ASSERT_TRUE(bus.insert(0x501, 2, "debug-exit", b).ok());
  ASSERT_NE(bus.find(0x3f8), nullptr);
  EXPECT_EQ(bus.find(0x3ff)->name, "uart");
  EXPECT_EQ(bus.find(0x502)->name, "debug-exit");
  EXPECT_EQ(bus.find(0x3f7), nullptr);
  EXPECT_EQ(bus.find(0x400), nullptr);
  EXPECT_EQ(bus.find(0x503), nullptr);
}

TEST(Bus, AccessStraddlingTheEndBelongsToNoDevice) {
  Bus bus("mmio");
  ASSERT_TRUE(bus.insert(0x1000, 0x100, "dev", std::make_shared<NullDevice>()).ok());
  EXPECT_NE(bus.find(0x10fc, 4), nullptr);
  EXPECT_EQ(bus.find(0x10fe, 4), nullptr);
  EXPECT_EQ(bus.find(UINT64_MAX - 1, 4), nullptr);
}

TEST(Bus, OverlapIsRefusedEitherSide) {
  Bus bus("mmio");
  ASSERT_TRUE(bus.insert(0x1000, 0x100, "first", std::make_shared<NullDevice>()).ok());
  auto overlap_end = bus.insert(0x10ff, 0x10, "second", std::make_shared<NullDevice>());
  ASSERT_FALSE(overlap_end.ok());
  EXPECT_NE(overlap_end.error().message.find("overlaps 'first'"), std::string::npos);
  EXPECT_FALSE(bus.insert(0x0f00, 0x101, "third", std::make_shared<NullDevice>()).ok());
  EXPECT_FALSE(bus.insert(0x1080, 0x10, "inside", std::make_shared<NullDevice>()).ok());
  EXPECT_FALSE(bus.insert(0x0800, 0x1000, "around", std::make_shared<NullDevice>()).ok());
  EXPECT_TRUE(bus.insert(0x1100, 0x10, "adjacent", std::make_shared<NullDevice>()).ok());
  EXPECT_TRUE(bus.insert(0x0f00, 0x100, "below", std::make_shared<NullDevice>()).ok());
  EXPECT_EQ(bus.ranges().size(), 3u);
}

TEST(Bus, EmptyOrWrappingRangeIsRefused) {
  Bus bus("mmio");
  EXPECT_FALSE(bus.insert(0x1000, 0, "empty", std::make_shared<NullDevice>()).ok());
  EXPECT_FALSE(bus.insert(UINT64_MAX, 2, "wrap", std::make_shared<NullDevice>()).ok());
  EXPECT_FALSE(bus.insert(0x1000, 1, "none", nullptr).ok());
}

}  // namespace
}  // namespace vmm
