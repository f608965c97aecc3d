#include "bench/qemu/qemu_stats_run.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "bench/qemu/child_process.h"
#include "bench/qemu/json_field.h"
#include "bench/qemu/private_temp_dir.h"
#include "bench/qemu/qmp_client.h"
#include "bench/qemu/vcpu_stats.h"

namespace vmm::bench {

namespace {

using Clock = std::chrono::steady_clock;

// At most this long for QEMU to exit after `quit` or after its QMP
// connection closed, and for its output to be read to the end.
constexpr auto kExitGrace = std::chrono::seconds(10);

Deadline soon(Deadline deadline) { return std::min(deadline, Clock::now() + kExitGrace); }

// The last `n` lines of `text`, indented, for error messages.
std::string tail(const std::string& text, size_t n = 8) {
  size_t start = text.size();
  for (size_t lines = 0; start > 0 && lines <= n;)
    if (text[--start] == '\n') ++lines;
  std::string out;
  size_t from = start == 0 ? 0 : start + 1;
  for (size_t i = from; i < text.size(); ++i) {
    if (i == from || text[i - 1] == '\n') out += "\n    ";
    if (text[i] != '\n') out += text[i];
  }
  return out.empty() ? " (none)" : out;
}

std::string seconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", s);
  return text;
}

std::string outputs(const ChildProcess& qemu) {
  return "\n  QEMU stderr:" + tail(qemu.err()) + "\n  serial (last lines):" + tail(qemu.out());
}

// One QEMU run, owning the process, its temp dir and the QMP connection.
class QemuStatsRun {
 public:
  QemuStatsRun(const QemuRunOptions& options, std::unique_ptr<PrivateTempDir> dir,
               std::unique_ptr<ChildProcess> qemu, Deadline deadline)
      : options_(options), dir_(std::move(dir)), qemu_(std::move(qemu)), deadline_(deadline) {}

  Result<QemuRunResult> run(const std::string& socket);

 private:
  Result<void> connect(const std::string& socket);
  Result<QemuRunResult> wait_for_power_off();
  Result<QemuRunResult> when_qemu_ended(const Error& why);
  Result<std::map<std::string, uint64_t>> read_vcpu_stats();
  Error unsupported(const Error& why, const std::string& command);
  Error no_stats(const Error& why);
  QemuRunResult finish(int guest_status);

  const QemuRunOptions& options_;
  std::unique_ptr<PrivateTempDir> dir_;
  std::unique_ptr<ChildProcess> qemu_;  // after dir_: killed before the dir goes
  std::optional<QmpClient> qmp_;
  std::string version_ = "unknown";
  Deadline deadline_;
};

Result<QemuRunResult> QemuStatsRun::run(const std::string& socket) {
  VMM_TRY_VOID(connect(socket));
  if (auto started = qmp_->execute("cont", {}, deadline_); !started)
    return make_error("QEMU did not start the VM: " + started.error().message + outputs(*qemu_));
  auto result = VMM_TRY(wait_for_power_off());
  if (result.guest_exit_status != 0) return result;
  auto stats = VMM_TRY(read_vcpu_stats());
  (void)qmp_->execute("quit", {}, deadline_);  // QEMU may close before it answers
  qmp_.reset();
  result = finish(0);
  result.vcpu_stats = std::move(stats);
  return result;
}

Result<void> QemuStatsRun::connect(const std::string& socket) {
  auto qemu_ended = [&] { return qemu_->poll_exit().has_value(); };
  auto client = QmpClient::connect(socket, deadline_, qemu_ended);
  if (!client) {
    if (auto status = qemu_->poll_exit())
      return make_error(options_.qemu_path + " exited with status " + std::to_string(*status) +
                        " before its QMP socket was ready" + outputs(*qemu_));
    return make_error(client.error().message + outputs(*qemu_));
  }
  qmp_ = std::move(*client);
  auto version = qmp_->handshake(deadline_);
  if (!version)
    return make_error("QMP handshake with " + options_.qemu_path +
                      " failed: " + version.error().message + outputs(*qemu_));
  version_ = *version;
  return ok();
}

// Waits for the guest's power-off (SHUTDOWN, reason guest-shutdown); a
// closed connection means QEMU ended, e.g. through isa-debug-exit.
Result<QemuRunResult> QemuStatsRun::wait_for_power_off() {
  auto event = qmp_->wait_for_event({"SHUTDOWN"}, deadline_);
  if (!event && qmp_->last_failure() == QmpFailure::kClosed) return when_qemu_ended(event.error());
  if (!event && qmp_->last_failure() == QmpFailure::kTimeout)
    return make_error("timeout: the guest did not power off within " + seconds(options_.timeout_s) +
                      outputs(*qemu_));
  if (!event) return make_error("waiting for the guest to power off: " + event.error().message);
  std::string reason = string_field(event->body, "reason");
  if (reason != "guest-shutdown")
    return make_error("the guest did not power off: QEMU stopped it with SHUTDOWN reason '" +
                      reason + "' (guest-reset: a reset or triple fault, kept from rebooting "
                      "by -no-reboot; guest-panic: a pvpanic report)" + outputs(*qemu_));
  return QemuRunResult{};
}

Result<QemuRunResult> QemuStatsRun::when_qemu_ended(const Error& why) {
  auto status = qemu_->wait_exit(soon(deadline_));
  if (!status) return make_error(why.message + ", but QEMU is still running" + outputs(*qemu_));
  if (qemu_->exited_by_signal() || *status % 2 == 0)
    return make_error("QEMU exited with status " + std::to_string(*status) +
                      " before the guest powered off" + outputs(*qemu_));
  return finish(*status);  // the guest wrote the debug-exit port
}

Error QemuStatsRun::unsupported(const Error& why, const std::string& command) {
  if (qmp_->last_failure() != QmpFailure::kCommandError) return why;
  return make_error("QEMU " + version_ + " (" + options_.qemu_path + ") cannot give vCPU " +
                    "statistics: " + command + " is unsupported (it needs QEMU 7.1 or newer): " +
                    why.message);
}

Error QemuStatsRun::no_stats(const Error& why) {
  return make_error("QEMU " + version_ + ": " + why.message + " (QEMU gives KVM's statistics only "
                    "with accel=kvm, on a kernel with KVM_GET_STATS_FD, Linux 5.14+)");
}

// KVM's vCPU counters summed over vCPUs; each vCPU must have reported.
Result<std::map<std::string, uint64_t>> QemuStatsRun::read_vcpu_stats() {
  nlohmann::json filter = {{"provider", "kvm"}};
  auto schemas = qmp_->execute("query-stats-schemas", filter, deadline_);
  if (!schemas) return unsupported(schemas.error(), "query-stats-schemas");
  auto summable = summable_vcpu_stat_names(*schemas);
  if (!summable) return no_stats(summable.error());
  auto reply = qmp_->execute("query-stats", {{"target", "vcpu"}}, deadline_);
  if (!reply) return unsupported(reply.error(), "query-stats");
  auto sum = sum_vcpu_stats(*reply, &*summable);
  if (!sum) return no_stats(sum.error());
  if (sum->vcpus != options_.smp)
    return make_error("query-stats reported " + std::to_string(sum->vcpus) +
                      " vCPUs, but the VM has " + std::to_string(options_.smp));
  return std::move(sum->totals);
}

// Lets QEMU exit (the destructor kills it if it does not) and collects the
// serial output to its end.
QemuRunResult QemuStatsRun::finish(int guest_status) {
  (void)qemu_->wait_exit(soon(deadline_));
  qemu_->finish_output(soon(deadline_));
  QemuRunResult result;
  result.guest_exit_status = guest_status;
  result.serial_output = qemu_->out();
  return result;
}

}  // namespace

Result<QemuRunResult> run_qemu_with_stats(const QemuRunOptions& options) {
  auto deadline =
      Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(options.timeout_s * 1e3));
  if (!options.guest_path.empty() && access(options.guest_path.c_str(), R_OK) != 0)
    return make_error("guest image " + options.guest_path + ": " + std::strerror(errno));
  auto dir = VMM_TRY(PrivateTempDir::create("vmm-qemu-"));
  std::string socket = dir->path() + "/qmp.sock";
  auto argv = VMM_TRY(qemu_stats_argv(options, socket));
  auto qemu = ChildProcess::start(argv);
  if (!qemu) return make_error("QEMU is not runnable: " + qemu.error().message);
  QemuStatsRun run(options, std::move(dir), std::move(*qemu), deadline);
  return run.run(socket);
}

}  // namespace vmm::bench
