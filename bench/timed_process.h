// Runs a command and timestamps its output: when a given line first
// appears on stdout, when the process ended, its peak RSS and CPU time
// (wait4).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace vmm::bench {

struct TimedRun {
  int status = -1;
  bool timed_out = false;
  double exit_ms = 0;                 // from fork to exit
  std::optional<double> marker_ms;    // from fork to the marker line
  long peak_rss_kib = 0;
  double cpu_ms = 0;                  // user + system time (wait4)
  std::string output;
};

// `every_second`, if given, is called about once a second with the child's
// pid while it runs (to sample its memory, say).
TimedRun run_timed(const std::vector<std::string>& argv, const std::string& marker,
                   double timeout_s, const std::function<void(int pid)>& every_second = {});

}  // namespace vmm::bench
