#include "devices/shmem/poll_policy.h"

#include <algorithm>

namespace vmm {

std::string_view poll_policy_name(PollPolicy policy) {
  return policy == PollPolicy::kBusy ? "busy" : "adaptive";
}

IdleAction idle_action(const PollSettings& settings, uint64_t idle_polls) {
  using Kind = IdleAction::Kind;
  if (settings.policy == PollPolicy::kBusy) return {Kind::kSpin};
  if (idle_polls < kSpinPolls) return {Kind::kSpin};
  if (idle_polls < kSpinPolls + kPausePolls) return {Kind::kPause};
  uint64_t sleeps = idle_polls - kSpinPolls - kPausePolls;
  // Past 2^20 the doubling exceeds any accepted max_latency; stop shifting
  // before the shift itself overflows.
  std::chrono::nanoseconds grown = kFirstSleep * (uint64_t{1} << std::min<uint64_t>(sleeps, 20));
  std::chrono::nanoseconds bound = std::clamp(settings.max_latency, std::chrono::nanoseconds(1),
                                              kMaxMaxLatency);
  return {Kind::kSleep, std::min(grown, bound)};
}

}  // namespace vmm
