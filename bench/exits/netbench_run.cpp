#include "bench/exits/netbench_run.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "bench/timed_process.h"

namespace vmm::bench {

namespace {

// The last line the run printed: usually what went wrong.
std::string last_line(const std::string& output) {
  size_t end = output.find_last_not_of("\r\n");
  if (end == std::string::npos) return {};
  size_t start = output.rfind('\n', end);
  return output.substr(start == std::string::npos ? 0 : start + 1, end + 1 - (start == std::string::npos ? 0 : start + 1));
}

}  // namespace

double netbench_timeout_s(uint64_t calls) { return 120.0 + 2.0 * static_cast<double>(calls); }

uint16_t free_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  uint16_t port = 0;
  if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  if (fd >= 0) close(fd);
  return port;
}

Result<VmmRunRecord> run_netbench(const VmmTarget& target, const PathSetup& p, const NetbenchRun& run,
                                  const std::string& record_stem) {
  uint16_t forward_port = free_loopback_port();
  auto peer = BenchPeer::start(p.accept ? forward_port : 0);
  if (!peer) return peer.take_error();
  std::string stats_path = record_stem + ".stats.json";
  auto argv = vmm_argv(target, p, netbench_cmdline(p, run, (*peer)->udp_port(), (*peer)->tcp_port()), forward_port,
                       stats_path);
  TimedRun r = run_timed(argv, "netbench: done", netbench_timeout_s(run.calls));
  std::ofstream(record_stem + ".console.txt") << r.output;
  std::string see = " (see " + record_stem + ".console.txt)";
  if (r.timed_out) return make_error(p.name + ": the VMM did not finish in time" + see);
  if (r.status != 0 || !r.marker_ms)
    return make_error(p.name + ": the VMM ended with status " + std::to_string(r.status) +
                      " before netbench was done: \"" + last_line(r.output) + "\"" + see);
  std::ifstream in(stats_path);
  VmmRunRecord record;
  record.stats = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (record.stats.is_discarded()) return make_error(p.name + ": unreadable " + stats_path);
  record.wall_ms = r.exit_ms;
  record.cpu_ms = r.cpu_ms;
  record.peer = (*peer)->counters();
  return record;
}

}  // namespace vmm::bench
