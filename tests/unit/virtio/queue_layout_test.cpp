// The driver's queue set-up must be safe before any ring is touched: size a
// power of two within the maximum, each part aligned and inside guest memory.
#include "virtio/queue/queue_layout.h"

#include <gtest/gtest.h>

namespace vmm::virtio {
namespace {

class QueueLayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto memory = GuestMemory::create(4 << 20);
    ASSERT_TRUE(memory.ok());
    memory_ = std::make_unique<GuestMemory>(std::move(*memory));
  }

  std::string error_of(QueueLayout layout, uint32_t max_size = 256) {
    auto rings = map_queue_layout(*memory_, layout, max_size);
    return rings.ok() ? "(no error)" : rings.error().message;
  }

  static QueueLayout good() { return QueueLayout{256, 0x10000, 0x11000, 0x12000}; }

  std::unique_ptr<GuestMemory> memory_;
};

TEST_F(QueueLayoutTest, GoodLayoutMapsToHostPointers) {
  auto rings = map_queue_layout(*memory_, good(), 256);
  ASSERT_TRUE(rings.ok()) << rings.error().message;
  EXPECT_EQ(rings->avail - rings->desc, 0x1000);
}

TEST_F(QueueLayoutTest, SizeZeroNotPowerOfTwoOrTooLargeIsRefused) {
  QueueLayout layout = good();
  layout.size = 0;
  EXPECT_EQ(error_of(layout), "queue size is 0");
  layout.size = 100;
  EXPECT_EQ(error_of(layout), "queue size 100 is not a power of 2");
  layout.size = 512;
  EXPECT_EQ(error_of(layout), "queue size 512 exceeds the maximum 256");
  layout.size = 65536;  // the spec's own maximum is 32768 (§2.7)
  EXPECT_NE(error_of(layout, 1u << 20).find("exceeds the maximum 32768"), std::string::npos);
}

TEST_F(QueueLayoutTest, MisalignedPartsAreRefused) {
  QueueLayout layout = good();
  layout.desc_gpa += 8;
  EXPECT_NE(error_of(layout).find("descriptor table at 0x10008 is not 16-byte aligned"), std::string::npos);
  layout = good();
  layout.avail_gpa += 1;
  EXPECT_NE(error_of(layout).find("available ring"), std::string::npos);
  layout = good();
  layout.used_gpa += 2;
  EXPECT_NE(error_of(layout).find("used ring at 0x12002 is not 4-byte aligned"), std::string::npos);
}

TEST_F(QueueLayoutTest, PartsOutsideGuestMemoryAreRefused) {
  QueueLayout layout = good();
  layout.used_gpa = (4 << 20) - 8;  // starts inside, ends outside
  EXPECT_NE(error_of(layout).find("used ring"), std::string::npos);
  EXPECT_NE(error_of(layout).find("outside guest memory"), std::string::npos);
  layout = good();
  layout.desc_gpa = 0xfffffffffffff000ull;  // wraps
  EXPECT_NE(error_of(layout).find("outside guest memory"), std::string::npos);
}

}  // namespace
}  // namespace vmm::virtio
