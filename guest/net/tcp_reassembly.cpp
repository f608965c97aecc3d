#include "tcp_reassembly.h"

#include "tcp_seq.h"

namespace net {

void Reassembly::erase(int index) {
  for (int i = index; i + 1 < count_; ++i) ranges_[i] = ranges_[i + 1];
  --count_;
}

void Reassembly::insert(int index, Range range) {
  for (int i = count_; i > index; --i) ranges_[i] = ranges_[i - 1];
  ranges_[index] = range;
  ++count_;
}

bool Reassembly::add(uint32_t begin, uint32_t end) {
  if (!seq_lt(begin, end)) return true;
  // Ranges [first, last) overlap or touch the new one: merge them into it.
  int first = 0;
  while (first < count_ && seq_lt(ranges_[first].end, begin)) ++first;
  int last = first;
  Range merged{begin, end};
  while (last < count_ && seq_le(ranges_[last].begin, end)) {
    merged.begin = seq_min(merged.begin, ranges_[last].begin);
    merged.end = seq_max(merged.end, ranges_[last].end);
    ++last;
  }
  if (first == last && count_ == kMaxRanges) return false;
  for (int i = first; i < last; ++i) erase(first);
  insert(first, merged);
  return true;
}

uint32_t Reassembly::take_contiguous(uint32_t rcv_nxt) {
  while (count_ > 0 && seq_le(ranges_[0].begin, rcv_nxt)) {
    rcv_nxt = seq_max(rcv_nxt, ranges_[0].end);
    erase(0);
  }
  return rcv_nxt;
}

}  // namespace net
