#include "bench/exits/io_paths.h"

#include <sstream>

namespace vmm::bench {

const IoPath* find_io_path(const std::string& name) {
  for (const auto& path : kIoPaths)
    if (name == path.name) return &path;
  return nullptr;
}

std::string all_io_path_names() {
  std::string names;
  for (const auto& path : kIoPaths) names += (names.empty() ? "" : ",") + std::string(path.name);
  return names;
}

std::vector<std::string> split_io_paths(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream words(text);
  for (std::string path; std::getline(words, path, ',');) {
    if (!find_io_path(path)) return {};
    out.push_back(path);
  }
  return out;
}

PathSetup path_setup(const std::string& path) {
  // Each device has a user network of its own (shm0's is 10.0.3.0/24).
  bool shmem = find_io_path(path)->shmem_device;
  return {path, shmem ? "10.0.3.2" : "10.0.2.2", true};
}

std::string netbench_cmdline(const PathSetup& p, const NetbenchRun& run, uint16_t udp_port, uint16_t tcp_port) {
  const IoPath& path = *find_io_path(p.name);
  std::string args = path.bypass ? "--bypass " : "";
  args += "-n " + std::to_string(run.calls);
  if (p.accept) args += " -a " + std::to_string(kGuestAcceptPort);
  if (run.phase) args += " -p " + std::to_string(*run.phase);
  if (!run.marks) args += " -m 0";
  args += " " + p.peer_addr + " " + std::to_string(udp_port) + " " + std::to_string(tcp_port);
  // On shmem the kernel polls shm0 from its idle loop (guest/README.md).
  // With --bypass netbench polls the rings itself and the kernel leaves
  // them alone, so the other vCPUs halt (issue 18, "quiet while polling").
  std::string prefix = path.kernel_polls ? "idle=poll " : "";
  return prefix + "init=netbench -- " + args;
}

std::vector<std::string> vmm_argv(const VmmTarget& t, const PathSetup& p, const std::string& cmdline,
                                  uint16_t forward_port, const std::string& stats_path) {
  const IoPath& path = *find_io_path(p.name);
  std::vector<std::string> argv = {t.vmm_path, "--guest", t.guest_path, "--smp", std::to_string(t.smp)};
  std::string forward = "hostfwd=tcp:127.0.0.1:" + std::to_string(forward_port) + "-:" + std::to_string(kGuestAcceptPort);
  if (path.shmem_device) {
    argv.insert(argv.end(), {"--net", "none", "--shmem", "size=256K," + forward});
  } else {
    argv.insert(argv.end(), {"--net", "user," + forward});
    if (!path.ioeventfd) argv.push_back("--no-ioeventfd");
  }
  argv.insert(argv.end(), {"--cmdline", cmdline, "--stats-json", stats_path});
  return argv;
}

}  // namespace vmm::bench
