#include "bench/soak_bench.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "bench/exits/bench_peer.h"
#include "bench/timed_process.h"

namespace vmm::bench {

namespace {

struct PathCounts {
  uint64_t udp_sent = 0, udp_echoed = 0, udp_lost = 0, udp_late = 0, udp_corrupt = 0;
  uint64_t tcp_sent = 0, tcp_echoed = 0, tcp_corrupt = 0;
  bool seen = false;
};

// "soak: 10.0.2.2 udp sent S echoed E lost L late T corrupt C", the tcp
// line and the free frames line, as guest/user/soak.cpp prints them.
std::map<std::string, PathCounts> parse_guest_counts(const std::string& output, long* free_start, long* free_end) {
  std::map<std::string, PathCounts> paths;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    char addr[32];
    unsigned long a, b, c, d, e;
    if (std::sscanf(line.c_str(), "soak: %31s udp sent %lu echoed %lu lost %lu late %lu corrupt %lu", addr, &a, &b,
                    &c, &d, &e) == 6) {
      PathCounts& p = paths[addr];
      p.seen = true;
      p.udp_sent = a, p.udp_echoed = b, p.udp_lost = c, p.udp_late = d, p.udp_corrupt = e;
    } else if (std::sscanf(line.c_str(), "soak: %31s tcp sent %lu echoed %lu corrupt %lu", addr, &a, &b, &c) == 4) {
      PathCounts& p = paths[addr];
      p.tcp_sent = a, p.tcp_echoed = b, p.tcp_corrupt = c;
    } else {
      std::sscanf(line.c_str(), "soak: free frames start %ld end %ld", free_start, free_end);
    }
  }
  return paths;
}

// VmRSS of a process in KiB, 0 if it cannot be read.
long rss_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

// The drops a device counted, by counter name ("rx_drops_no_buffer", ...).
std::map<std::string, uint64_t> drop_counters(const nlohmann::json& stats, const std::string& device) {
  std::map<std::string, uint64_t> drops;
  auto devices = stats.find("devices");
  if (devices == stats.end() || !devices->is_array()) return drops;
  for (const auto& d : *devices) {
    auto name = d.find("name"), counters = d.find("counters");
    if (name == d.end() || *name != device || counters == d.end() || !counters->is_object()) continue;
    for (auto it = counters->begin(); it != counters->end(); ++it)
      if (it.key().find("drops") != std::string::npos && it->is_number()) drops[it.key()] = it->get<uint64_t>();
  }
  return drops;
}

uint64_t sum(const std::map<std::string, uint64_t>& m) {
  uint64_t total = 0;
  for (const auto& [name, n] : m) total += n;
  return total;
}

}  // namespace

int run_soak(const SoakOptions& o) {
  auto peer = BenchPeer::start(0);
  if (!peer) {
    std::fprintf(stderr, "vmm-bench soak: %s\n", peer.error().message.c_str());
    return 1;
  }
  std::string ports = std::to_string((*peer)->udp_port()) + " " + std::to_string((*peer)->tcp_port());
  std::string stats_path = o.out_dir + "/soak.stats.json";
  std::vector<std::string> argv = {o.vmm_path, "--guest", o.guest_path, "--smp", std::to_string(o.smp),
                                   "--net", "user", "--shmem", "size=256K", "--stats-json", stats_path,
                                   "--cmdline", "init=soak -- -s " + std::to_string(o.seconds) + " 10.0.2.2 " +
                                                    ports + " 10.0.3.2 " + ports};
  std::vector<long> rss;
  std::printf("soak: %lu s, --smp %d, UDP and TCP over virtio-net and shm0 at once\n",
              static_cast<unsigned long>(o.seconds), o.smp);
  TimedRun r = run_timed(argv, "soak: free frames", 120.0 + 2.0 * static_cast<double>(o.seconds),
                         [&](int pid) { rss.push_back(rss_kib(pid)); });
  std::ofstream(o.out_dir + "/soak.console.txt") << r.output;
  std::ifstream in(stats_path);
  auto stats = nlohmann::json::parse(in, nullptr, false);
  long free_start = -1, free_end = -1;
  auto guest = parse_guest_counts(r.output, &free_start, &free_end);
  bool ok = !r.timed_out && r.status == 0 && !stats.is_discarded() && guest.size() == 2;
  if (!ok)
    std::printf("soak: the run failed (status %d%s); see %s/soak.console.txt\n", r.status,
                r.timed_out ? ", timed out" : "", o.out_dir.c_str());
  nlohmann::json doc = {{"benchmark", "soak"}, {"seconds", o.seconds}, {"smp", o.smp}, {"paths", nlohmann::json::array()}};
  const std::map<std::string, std::string> device_of = {{"10.0.2.2", "virtio-net0"}, {"10.0.3.2", "shmem0"}};
  for (const auto& [addr, device] : device_of) {
    const PathCounts& p = guest[addr];
    auto drops = stats.is_discarded() ? std::map<std::string, uint64_t>{} : drop_counters(stats, device);
    bool accounted = p.seen && p.udp_corrupt == 0 && p.udp_lost <= sum(drops) && p.tcp_corrupt == 0 &&
                     p.tcp_echoed == p.tcp_sent && p.tcp_sent > 0;
    std::printf("soak: %-8s %-11s udp sent %lu echoed %lu lost %lu (device drops %lu) | tcp %lu of %lu bytes echoed: %s\n",
                addr.c_str(), device.c_str(), static_cast<unsigned long>(p.udp_sent),
                static_cast<unsigned long>(p.udp_echoed), static_cast<unsigned long>(p.udp_lost),
                static_cast<unsigned long>(sum(drops)), static_cast<unsigned long>(p.tcp_echoed),
                static_cast<unsigned long>(p.tcp_sent), accounted ? "accounted for" : "NOT accounted for");
    ok = ok && accounted;
    nlohmann::json d = nlohmann::json::object();
    for (const auto& [name, n] : drops) d[name] = n;
    doc["paths"].push_back({{"peer", addr}, {"device", device}, {"udp_sent", p.udp_sent}, {"udp_echoed", p.udp_echoed},
                            {"udp_lost", p.udp_lost}, {"udp_late", p.udp_late}, {"udp_corrupt", p.udp_corrupt},
                            {"tcp_sent", p.tcp_sent}, {"tcp_echoed", p.tcp_echoed}, {"tcp_corrupt", p.tcp_corrupt},
                            {"device_drops", d}, {"accounted", accounted}});
  }
  // Memory: after a fifth of the run (start-up allocations done), flat.
  long rss_after_warmup = rss.empty() ? 0 : rss[rss.size() / 5];
  long rss_peak = 0;
  for (size_t i = rss.size() / 5; i < rss.size(); ++i) rss_peak = std::max(rss_peak, rss[i]);
  bool vmm_flat = !rss.empty() && rss_peak - rss_after_warmup <= kRssSlackKib;
  bool guest_flat = free_start > 0 && free_end >= free_start - kGuestFrameSlack;
  std::printf("soak: VMM RSS %ld KiB after warm-up, peak %ld KiB after it (%zu samples): %s\n", rss_after_warmup,
              rss_peak, rss.size(), vmm_flat ? "flat" : "GROWING");
  std::printf("soak: guest free frames %ld after warm-up, %ld at the end: %s\n", free_start, free_end,
              guest_flat ? "flat" : "SHRINKING");
  ok = ok && vmm_flat && guest_flat;
  doc["vmm_rss_kib"] = rss;
  doc["guest_free_frames"] = {{"start", free_start}, {"end", free_end}};
  doc["ok"] = ok;
  std::ofstream(o.out_dir + "/soak.json") << doc.dump(2) << "\n";
  std::printf("soak: %s; results in %s/soak.json\n", ok ? "nothing lost, memory flat" : "FAILED", o.out_dir.c_str());
  return ok ? 0 : 1;
}

}  // namespace vmm::bench
