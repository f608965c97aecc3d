// A child process that this object owns: started with stdin on /dev/null
// and stdout/stderr captured by a collector thread, killed (SIGKILL) and
// reaped when the owner goes away. The child also gets SIGKILL if the
// thread that started it dies first (PR_SET_PDEATHSIG), so a crashed
// benchmark leaves no QEMU behind.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "hv/kvm/file_descriptor.h"
#include "hv/core/result.h"

namespace vmm::bench {

using Deadline = std::chrono::steady_clock::time_point;

class ChildProcess {
 public:
  // Fails (with the errno text) if argv[0] cannot be executed.
  static Result<std::unique_ptr<ChildProcess>> start(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Its exit status ((code), or 128 + signal) once it has exited; nullopt
  // while it runs. Reaps it.
  std::optional<int> poll_exit();
  // Waits for it to exit until `deadline`; nullopt if it is still running.
  std::optional<int> wait_exit(Deadline deadline);

  // True if the exit status came from a signal (128 + n), not exit().
  bool exited_by_signal() const { return by_signal_; }

  // After it exited: waits until its output is read to EOF (or the
  // deadline; a grandchild may hold the pipes open) and stops collecting.
  void finish_output(Deadline deadline);

  pid_t pid() const { return pid_; }

  // What it wrote so far.
  std::string out() const;
  std::string err() const;

 private:
  ChildProcess(pid_t pid, FileDescriptor out, FileDescriptor err);
  void collect(std::stop_token stop, FileDescriptor out, FileDescriptor err);

  pid_t pid_;
  std::optional<int> status_;
  bool by_signal_ = false;
  std::atomic<bool> output_done_{false};
  mutable std::mutex output_mutex_;
  std::string out_, err_;
  std::jthread collector_;  // last: stopped and joined first, after the kill
};

}  // namespace vmm::bench
