#include <gtest/gtest.h>

#include <vector>

#include "guest/net/byte_ring.h"
#include "test_env.h"

namespace net {
namespace {

TEST(ByteRing, AppendCopyConsumeAcrossTheWrap) {
  test::TestEnv env;
  ByteRing ring;
  ASSERT_TRUE(ring.allocate(env, 10));
  const uint8_t a[] = {1, 2, 3, 4, 5, 6, 7};
  EXPECT_EQ(ring.append(a, 7), 7u);
  ring.consume(5);
  const uint8_t b[] = {8, 9, 10, 11, 12, 13, 14, 15, 16};
  EXPECT_EQ(ring.append(b, 9), 8u);  // 2 + 8 = capacity
  EXPECT_EQ(ring.free_space(), 0u);
  uint8_t out[10];
  ring.copy_out(0, out, 10);
  EXPECT_EQ(std::vector<uint8_t>(out, out + 10), (std::vector<uint8_t>{6, 7, 8, 9, 10, 11, 12, 13, 14, 15}));
  ring.copy_out(3, out, 2);
  EXPECT_EQ(out[0], 9);
  EXPECT_EQ(out[1], 10);
  ring.consume(10);
  EXPECT_TRUE(ring.empty());
  ring.release(env);
}

TEST(ByteRing, WriteBeyondTheEndThenCommit) {
  test::TestEnv env;
  ByteRing ring;
  ASSERT_TRUE(ring.allocate(env, 8));
  const uint8_t x[] = {1, 2};
  ring.append(x, 2);
  ring.consume(2);  // head in the middle
  const uint8_t later[] = {5, 6, 7};
  ring.write_at(4, later, 3);  // out of order: bytes 4..6
  EXPECT_EQ(ring.size(), 0u);
  const uint8_t first[] = {1, 2, 3, 4};
  ring.write_at(0, first, 4);
  ring.commit(7);
  uint8_t out[7];
  ring.copy_out(0, out, 7);
  EXPECT_EQ(std::vector<uint8_t>(out, out + 7), (std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7}));
  ring.release(env);
}

}  // namespace
}  // namespace net
