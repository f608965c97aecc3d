// Runs a program to completion with a time limit, capturing stdout, stderr
// and the exit status: how the integration tests drive the real `vmm`.
#pragma once

#include <string>
#include <vector>

namespace vmm::testing {

struct ProcessResult {
  int status = -1;         // exit status, or 128 + signal if killed by one
  int killed_by = 0;       // the signal that ended it, 0 if it exited
  bool timed_out = false;  // killed by the harness after the limit
  std::string out;
  std::string err;
};

struct SignalOnOutput {
  std::string marker;  // once stdout contains this...
  int signal;          // ...send this signal (once)
};

ProcessResult run_process(const std::vector<std::string>& argv, int timeout_seconds = 60,
                          const SignalOnOutput* signal_on_output = nullptr);

}  // namespace vmm::testing
