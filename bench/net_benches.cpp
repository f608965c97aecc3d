#include "bench/net_benches.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "abi/netbench.h"
#include "bench/exits/netbench_run.h"
#include "bench/exits/phase_analysis.h"
#include "bench/summary.h"

namespace vmm::bench {

namespace {

VmmTarget target_of(const ExitsBenchOptions& o) { return {o.vmm_path, o.guest_path, o.smp}; }

struct PhaseTiming {
  std::vector<double> lengths_us;  // each interval, host clock
  double mark_pair_us = 0;         // median empty interval
  VmmRunRecord record;
};

Result<PhaseTiming> time_phase(const ExitsBenchOptions& o, const std::string& path, uint16_t phase,
                               const std::string& stem) {
  auto record = run_netbench(target_of(o), path_setup(path), {o.iterations, phase, true}, stem);
  if (!record) return record.take_error();
  auto lengths = interval_lengths_us(record->stats, phase);
  if (!lengths) return lengths.take_error();
  auto empty = interval_lengths_us(record->stats, platform::kPhaseMarkOnly);
  if (!empty) return empty.take_error();
  if (lengths->empty()) return make_error(path + ": the run marked no interval of phase " + std::to_string(phase));
  return PhaseTiming{std::move(*lengths), median(*empty), std::move(*record)};
}

double total(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum;
}

void write_files(const ExitsBenchOptions& o, const std::string& name, const nlohmann::json& doc,
                 const std::string& csv) {
  std::ofstream(o.out_dir + "/" + name + ".json") << doc.dump(2) << "\n";
  std::ofstream(o.out_dir + "/" + name + ".csv") << csv;
  std::printf("results in %s/%s.{json,csv}\n", o.out_dir.c_str(), name.c_str());
}

}  // namespace

int run_latency_bench(const ExitsBenchOptions& o) {
  nlohmann::json doc = {{"benchmark", "latency"}, {"iterations", o.iterations}, {"results", nlohmann::json::array()}};
  std::string csv = "path,round_trips,p50_us,p99_us,mark_pair_us\n";
  std::printf("latency: UDP round trip of 64 B, guest <-> host peer (marks' own cost taken out)\n");
  std::printf("%-20s %10s %10s %10s %12s\n", "path", "trips", "p50 us", "p99 us", "marks us");
  for (const auto& path : o.paths) {
    auto t = time_phase(o, path, platform::kPhaseRoundTripUdp64, o.out_dir + "/latency-" + path);
    if (!t) {
      std::fprintf(stderr, "vmm-bench latency: %s\n", t.error().message.c_str());
      return 1;
    }
    std::vector<double> trips;
    for (double us : t->lengths_us) trips.push_back(std::max(us - t->mark_pair_us, 0.0));
    double p50 = percentile(trips, 50), p99 = percentile(trips, 99);
    std::printf("%-20s %10zu %10.1f %10.1f %12.1f\n", path.c_str(), trips.size(), p50, p99, t->mark_pair_us);
    doc["results"].push_back({{"path", path}, {"round_trips", trips.size()}, {"p50_us", p50},
                              {"p99_us", p99}, {"mark_pair_us", t->mark_pair_us}});
    csv += path + "," + std::to_string(trips.size()) + "," + std::to_string(p50) + "," + std::to_string(p99) +
           "," + std::to_string(t->mark_pair_us) + "\n";
  }
  write_files(o, "latency", doc, csv);
  return 0;
}

int run_throughput_bench(const ExitsBenchOptions& o) {
  struct Stream {
    uint16_t phase;
    const char* name;
    double bytes_per_call;  // 0: count datagrams
  };
  const Stream streams[] = {{platform::kPhaseSendUdp64, "udp 64B guest->host", 0},
                            {platform::kPhaseSendTcp16k, "tcp guest->host", 16384},
                            {platform::kPhaseRecvTcpStream16k, "tcp host->guest", 16384}};
  nlohmann::json doc = {{"benchmark", "throughput"}, {"iterations", o.iterations}, {"results", nlohmann::json::array()}};
  std::string csv = "path,stream,rate,unit,host_received,vmm_cpu_ms,wall_ms\n";
  std::printf("throughput: %lu calls a stream; rate over the marked intervals; VMM CPU over the whole run\n",
              static_cast<unsigned long>(o.iterations));
  std::printf("%-20s %-22s %14s %12s %12s\n", "path", "stream", "rate", "VMM CPU ms", "wall ms");
  for (const auto& path : o.paths) {
    for (const auto& s : streams) {
      std::string stem = o.out_dir + "/throughput-" + path + "-" + std::to_string(s.phase);
      auto t = time_phase(o, path, s.phase, stem);
      if (!t) {
        std::fprintf(stderr, "vmm-bench throughput: %s\n", t.error().message.c_str());
        return 1;
      }
      double seconds = total(t->lengths_us) / 1e6;
      double calls = static_cast<double>(o.iterations);
      double rate = s.bytes_per_call ? calls * s.bytes_per_call / seconds / 1e6 : calls / seconds;
      const char* unit = s.bytes_per_call ? "MB/s" : "datagrams/s";
      std::printf("%-20s %-22s %9.2f %-4s %12.0f %12.0f\n", path.c_str(), s.name, rate,
                  s.bytes_per_call ? "MB/s" : "pps", t->record.cpu_ms, t->record.wall_ms);
      // The sink's count: datagrams that reached the host (UDP may drop).
      uint64_t received = s.bytes_per_call ? 0 : t->record.peer.dropped;
      doc["results"].push_back({{"path", path}, {"stream", s.name}, {"rate", rate}, {"unit", unit},
                                {"host_received", received}, {"vmm_cpu_ms", t->record.cpu_ms},
                                {"wall_ms", t->record.wall_ms}});
      csv += path + "," + s.name + "," + std::to_string(rate) + "," + unit + "," + std::to_string(received) + "," +
             std::to_string(t->record.cpu_ms) + "," + std::to_string(t->record.wall_ms) + "\n";
    }
  }
  write_files(o, "throughput", doc, csv);
  return 0;
}

}  // namespace vmm::bench
