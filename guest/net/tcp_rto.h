// The retransmission timeout of one connection, computed as RFC 6298 says:
// SRTT and RTTVAR from RTT samples (section 2), exponential back-off on
// expiry (5.5), bounded by the configured minimum and maximum (2.4, 2.5).
#pragma once

#include <stdint.h>

namespace net {

class RtoEstimator {
 public:
  void reset(uint64_t initial_ns, uint64_t min_ns, uint64_t max_ns);
  void add_sample(uint64_t rtt_ns);
  void back_off();
  uint64_t rto() const { return rto_; }
  bool has_sample() const { return has_sample_; }
  uint64_t srtt() const { return srtt_; }
  uint64_t rttvar() const { return rttvar_; }

 private:
  uint64_t clamp(uint64_t value) const;

  uint64_t srtt_ = 0;
  uint64_t rttvar_ = 0;
  uint64_t rto_ = 0;
  uint64_t min_ = 0;
  uint64_t max_ = 0;
  bool has_sample_ = false;
};

}  // namespace net
