// One bar of the exits chart: KVM's exits per call of one call on one path,
// cut into segments by cause (bench/exits/exit_attribution.h), so that the
// segments together are KVM's whole count.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bench/exits/exit_results.h"

namespace vmm::bench {

inline constexpr const char* kUnattributedCause = "unattributed";

struct StackSegment {
  std::string cause;   // a cause of the attribution, or kUnattributedCause
  double per_call = 0;
  // The rest of KVM's count when some causes could not be measured (their
  // source was silent or not traced): it holds them, so it is drawn hatched
  // as "n/a" rather than any of them being drawn as 0.
  bool holds_unmeasured = false;
};

struct CauseStack {
  std::optional<double> total;  // KVM's exits per call; absent: KVM's count was not read
  std::vector<StackSegment> segments;  // in the attribution's cause order, the rest last
  // Causes without a figure, each with why ("page faults: silent: ...").
  std::vector<std::pair<std::string, std::string>> unmeasured;
};

// The measured causes (negative figures count as 0), then whatever of KVM's
// count they leave, as kUnattributedCause; without an attribution, KVM's
// whole count is that one segment. When the measured causes exceed KVM's
// count there is no rest and the segments sum to more than `total`.
CauseStack cause_stack(const CallResult& result);

}  // namespace vmm::bench
