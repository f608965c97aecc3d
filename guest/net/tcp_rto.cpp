#include "tcp_rto.h"

namespace net {

// Clock granularity G of RFC 6298 2: our clock counts nanoseconds; one
// millisecond keeps RTO above SRTT when RTTVAR is zero.
static constexpr uint64_t kGranularityNs = 1000 * 1000;

void RtoEstimator::reset(uint64_t initial_ns, uint64_t min_ns, uint64_t max_ns) {
  min_ = min_ns;
  max_ = max_ns;
  srtt_ = rttvar_ = 0;
  has_sample_ = false;
  rto_ = clamp(initial_ns);
}

uint64_t RtoEstimator::clamp(uint64_t value) const {
  if (value < min_) return min_;
  if (value > max_) return max_;
  return value;
}

void RtoEstimator::add_sample(uint64_t rtt_ns) {
  if (!has_sample_) {
    // RFC 6298 2.2: SRTT <- R, RTTVAR <- R/2.
    srtt_ = rtt_ns;
    rttvar_ = rtt_ns / 2;
    has_sample_ = true;
  } else {
    // RFC 6298 2.3 with alpha = 1/8, beta = 1/4; RTTVAR first, using the old SRTT.
    uint64_t delta = srtt_ > rtt_ns ? srtt_ - rtt_ns : rtt_ns - srtt_;
    rttvar_ = (3 * rttvar_ + delta) / 4;
    srtt_ = (7 * srtt_ + rtt_ns) / 8;
  }
  uint64_t variance_term = 4 * rttvar_ > kGranularityNs ? 4 * rttvar_ : kGranularityNs;
  rto_ = clamp(srtt_ + variance_term);
}

void RtoEstimator::back_off() {
  // RFC 6298 5.5: RTO <- RTO * 2, bounded by the maximum (2.5).
  rto_ = clamp(rto_ > max_ / 2 ? max_ : rto_ * 2);
}

}  // namespace net
