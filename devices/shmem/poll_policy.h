// How the shmem poller waits when there is no work: `busy` spins, `adaptive`
// spins, then spins with PAUSE, then sleeps for growing but bounded
// intervals. The schedule is a pure function of how many polls in a row found
// nothing, so the bound on the sleep is a property of the code, tested as
// such, not a wall-clock observation.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace vmm {

enum class PollPolicy { kBusy, kAdaptive };

std::string_view poll_policy_name(PollPolicy policy);

struct PollSettings {
  PollPolicy policy = PollPolicy::kAdaptive;
  // adaptive only: the longest one sleep may last, i.e. the most delay the
  // policy adds to a frame (the kernel's wake-up comes on top).
  std::chrono::nanoseconds max_latency = std::chrono::microseconds(100);

  bool operator==(const PollSettings&) const = default;
};

inline constexpr std::chrono::nanoseconds kMinMaxLatency = std::chrono::microseconds(1);
inline constexpr std::chrono::nanoseconds kMaxMaxLatency = std::chrono::milliseconds(100);

// adaptive: polls [0, kSpinPolls) spin; [kSpinPolls, kSpinPolls + kPausePolls)
// execute PAUSE (frees the sibling hyper-thread, Intel SDM vol 2B "PAUSE");
// after that each poll sleeps kFirstSleep << k (k = sleeps so far), at most
// max_latency.
inline constexpr uint64_t kSpinPolls = 256;
inline constexpr uint64_t kPausePolls = 2048;
inline constexpr std::chrono::nanoseconds kFirstSleep = std::chrono::microseconds(1);

struct IdleAction {
  enum class Kind { kSpin, kPause, kSleep };
  Kind kind;
  std::chrono::nanoseconds sleep{0};  // kSleep only
};

// What to do after the `idle_polls`-th poll in a row that found no work
// (0-based).
IdleAction idle_action(const PollSettings& settings, uint64_t idle_polls);

}  // namespace vmm
