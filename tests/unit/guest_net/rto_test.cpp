#include <gtest/gtest.h>

#include "guest/net/tcp_rto.h"

namespace net {
namespace {

constexpr uint64_t kMs = 1000 * 1000;

TEST(RtoEstimator, InitialValueUntilTheFirstSample) {
  RtoEstimator e;
  e.reset(1000 * kMs, 200 * kMs, 60000 * kMs);
  EXPECT_EQ(e.rto(), 1000 * kMs);
  EXPECT_FALSE(e.has_sample());
}

TEST(RtoEstimator, Rfc6298Formulas) {
  RtoEstimator e;
  e.reset(1000 * kMs, 1 * kMs, 60000 * kMs);
  e.add_sample(100 * kMs);  // SRTT = 100, RTTVAR = 50, RTO = 100 + 200
  EXPECT_EQ(e.srtt(), 100 * kMs);
  EXPECT_EQ(e.rttvar(), 50 * kMs);
  EXPECT_EQ(e.rto(), 300 * kMs);
  e.add_sample(200 * kMs);  // RTTVAR = 3/4*50 + 1/4*100 = 62.5, SRTT = 112.5
  EXPECT_EQ(e.rttvar(), 62500 * 1000u);
  EXPECT_EQ(e.srtt(), 112500 * 1000u);
  EXPECT_EQ(e.rto(), 112500 * 1000u + 4 * 62500 * 1000u);
}

TEST(RtoEstimator, ClampedToMinimumAndMaximum) {
  RtoEstimator e;
  e.reset(1000 * kMs, 200 * kMs, 60000 * kMs);
  e.add_sample(1 * kMs);
  EXPECT_EQ(e.rto(), 200 * kMs);
  for (int i = 0; i < 20; ++i) e.back_off();
  EXPECT_EQ(e.rto(), 60000 * kMs);
}

TEST(RtoEstimator, BackOffDoubles) {
  RtoEstimator e;
  e.reset(1000 * kMs, 200 * kMs, 60000 * kMs);
  e.back_off();
  EXPECT_EQ(e.rto(), 2000 * kMs);
  e.back_off();
  EXPECT_EQ(e.rto(), 4000 * kMs);
  e.add_sample(100 * kMs);  // a new sample recomputes it (RFC 6298 5.7)
  EXPECT_EQ(e.rto(), 300 * kMs);
}

}  // namespace
}  // namespace net
