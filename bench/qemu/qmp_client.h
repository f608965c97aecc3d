// A QMP client on QEMU's unix socket (-qmp unix:PATH,server=on,wait=off):
// the greeting and capabilities negotiation, commands answered in order,
// and events kept until asked for. Every call takes a deadline.
#pragma once

#include <nlohmann/json.hpp>

#include <deque>
#include <functional>
#include <string>

#include "bench/qemu/child_process.h"
#include "bench/qemu/qmp_message.h"
#include "hv/kvm/file_descriptor.h"
#include "hv/core/result.h"

namespace vmm::bench {

// Why a QMP call failed: the connection ended (QEMU exited or closed it),
// the deadline passed, QEMU answered with an error, or anything else.
enum class QmpFailure { kNone, kClosed, kTimeout, kCommandError, kOther };

class QmpClient {
 public:
  // Connects to `path`, retrying while the socket is not there yet, until
  // the deadline or until `gave_up()` says to stop (e.g. QEMU exited).
  static Result<QmpClient> connect(const std::string& path, Deadline deadline,
                                   const std::function<bool()>& gave_up);

  // Reads the greeting and enters command mode (qmp_capabilities).
  // Returns QEMU's version, e.g. "7.2.22".
  Result<std::string> handshake(Deadline deadline);

  // Runs a command; its "return" value, or an error naming the command and
  // QEMU's error class and text. Events that arrive meanwhile are kept.
  Result<nlohmann::json> execute(const std::string& command, const nlohmann::json& arguments,
                                 Deadline deadline);

  // The next event named one of `names` (kept ones first); others are dropped.
  Result<QmpMessage> wait_for_event(const std::vector<std::string>& names, Deadline deadline);

  // What made the last failed call fail.
  QmpFailure last_failure() const { return failure_; }

 private:
  explicit QmpClient(FileDescriptor fd) : fd_(std::move(fd)) {}
  Result<QmpMessage> next_message(Deadline deadline);
  Result<void> send_line(const std::string& line, Deadline deadline);
  Error fail(QmpFailure why, std::string message);

  FileDescriptor fd_;
  QmpLineBuffer buffer_;
  std::deque<QmpMessage> events_;
  uint64_t next_id_ = 1;
  QmpFailure failure_ = QmpFailure::kNone;
};

}  // namespace vmm::bench
