// Bookkeeping of out-of-order data: which sequence ranges beyond RCV.NXT are
// already stored in the receive buffer (the bytes themselves sit at their
// final place in the ring, so filling a hole needs no copy). Bounded: a
// segment that would need more than kMaxRanges separate ranges is dropped
// and retransmitted by the peer later.
#pragma once

#include <stdint.h>

namespace net {

class Reassembly {
 public:
  static constexpr int kMaxRanges = 16;

  // Records [begin, end) as stored. False (nothing recorded) when it would
  // need one more range than the table holds.
  bool add(uint32_t begin, uint32_t end);
  // Ranges that start at or before rcv_nxt are consumed; returns the new
  // RCV.NXT (the end of the contiguous data).
  uint32_t take_contiguous(uint32_t rcv_nxt);
  void clear() { count_ = 0; }
  bool empty() const { return count_ == 0; }
  int count() const { return count_; }
  uint32_t begin(int i) const { return ranges_[i].begin; }
  uint32_t end(int i) const { return ranges_[i].end; }

 private:
  struct Range {
    uint32_t begin;
    uint32_t end;
  };
  void erase(int index);
  void insert(int index, Range range);

  Range ranges_[kMaxRanges];  // sorted, disjoint, not adjacent
  int count_ = 0;
};

}  // namespace net
