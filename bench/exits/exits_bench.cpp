#include "bench/exits/exits_bench.h"


#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "abi/netbench.h"
#include "abi/platform.h"
#include "bench/exits/bench_peer.h"
#include "bench/exits/exit_attribution.h"
#include "bench/exits/host_flavour.h"
#include "bench/exits/kvm_trace_session.h"
#include "bench/exits/method_agreement.h"
#include "bench/exits/netbench_run.h"
#include "bench/exits/phase_analysis.h"
#include "bench/exits/report_files.h"
#include "bench/exits/report_svg.h"
#include "bench/exits/report_table.h"
#include "bench/qemu/qemu_stats_run.h"

namespace vmm::bench {

namespace {

// Phases with nothing outside their intervals but the shared set-up: for
// them both methods count the same thing, so they must agree.
constexpr uint16_t kAgreementPhases[] = {platform::kPhaseSetsockopt, platform::kPhaseGetsockopt,
                                         platform::kPhasePoll, platform::kPhaseSendUdp64,
                                         platform::kPhaseSendto};

// Runs the VMM once; the stats document, or why not.
Result<nlohmann::json> run_vmm(const ExitsBenchOptions& o, const PathSetup& p, const NetbenchRun& run,
                               const std::string& record_stem) {
  auto record = run_netbench({o.vmm_path, o.guest_path, o.smp}, p, run, record_stem);
  if (!record) return record.take_error();
  return std::move(record->stats);
}

// The VMM's exits of a whole run, less the console's (the UART's ports):
// the two runs print lines of different lengths ("0 calls" and "200 calls,
// 435.831 us"), about two exits a character, which is no call's cost.
uint64_t total_vmm_exits(const nlohmann::json& stats) {
  uint64_t total = 0;
  for (const auto& vcpu : stats.value("vcpus", nlohmann::json::array())) {
    total += vcpu["vmm"].value("total", uint64_t{0});
    for (const auto& io : vcpu["vmm"].value("io", nlohmann::json::array())) {
      uint64_t port = io.value("port", uint64_t{0});
      if (port >= platform::kUartCom1Port && port < platform::kUartCom1Port + 8) total -= io.value("count", uint64_t{0});
    }
  }
  return total;
}

// (exits(N) - exits(0)) / N for each phase, from whole runs without marks.
// The base run is the same phase with 0 calls (`-p PHASE -n 0`): a base of
// `-n 0` alone ran every phase's set-up and printed every phase's line, and
// made every figure 12.4 exits per call too low on every path (the
// 2026-12-07 run; tests/unit/bench/subtraction_test.cpp).
Result<std::map<std::string, double>> subtraction_method(const ExitsBenchOptions& o, const PathSetup& p) {
  std::map<std::string, double> per_call;
  for (const auto& phase : platform::kNetbenchPhases) {
    if (phase.id == platform::kPhaseMarkOnly || (phase.id == platform::kPhaseAccept && !p.accept)) continue;
    std::string stem = o.out_dir + "/" + p.name + ".p" + std::to_string(phase.id);
    auto zero = run_vmm(o, p, {0, phase.id, false}, stem + ".n0");
    if (!zero) return zero.take_error();
    auto full = run_vmm(o, p, {o.iterations, phase.id, false}, stem);
    if (!full) return full.take_error();
    double delta = static_cast<double>(total_vmm_exits(*full)) - static_cast<double>(total_vmm_exits(*zero));
    per_call[phase.name] = delta / static_cast<double>(o.iterations);
  }
  return per_call;
}

// QEMU's `exits` per call by the same subtraction; empty with a reason
// when QEMU cannot be measured.
struct QemuColumn {
  std::map<std::string, double> per_call;
  std::string note;
};

Result<uint64_t> qemu_exits(const ExitsBenchOptions& o, const NetbenchRun& run) {
  PathSetup p = path_setup("virtio");
  uint16_t forward_port = free_loopback_port();
  auto peer = BenchPeer::start(forward_port);
  if (!peer) return peer.take_error();
  QemuRunOptions q;
  q.qemu_path = o.qemu_path;
  q.guest_path = o.guest_path;
  q.smp = o.smp;
  q.guest_cmdline = netbench_cmdline(p, run, (*peer)->udp_port(), (*peer)->tcp_port());
  q.hostfwd = {"tcp:127.0.0.1:" + std::to_string(forward_port) + "-:" + std::to_string(kGuestAcceptPort)};
  q.timeout_s = netbench_timeout_s(run.calls);
  auto result = run_qemu_with_stats(q);
  if (!result) return result.take_error();
  if (result->guest_exit_status != 0)
    return make_error("QEMU: netbench failed (guest status " + std::to_string(result->guest_exit_status) + ")");
  auto it = result->vcpu_stats.find("exits");
  if (it == result->vcpu_stats.end()) return make_error("QEMU: query-stats has no vCPU `exits`");
  return it->second;
}

QemuColumn measure_qemu(const ExitsBenchOptions& o) {
  QemuColumn column;
  if (o.qemu_path.empty()) {
    column.note = "qemu-system-x86_64 not found";
    return column;
  }
  auto zero = qemu_exits(o, {0, std::nullopt, false});
  if (!zero) {
    column.note = zero.error().message;
    return column;
  }
  for (const auto& phase : platform::kNetbenchPhases) {
    if (phase.id == platform::kPhaseMarkOnly) continue;
    auto full = qemu_exits(o, {o.iterations, phase.id, false});
    if (!full) {
      column.note = full.error().message;
      return column;
    }
    column.per_call[phase.name] =
        (static_cast<double>(*full) - static_cast<double>(*zero)) / static_cast<double>(o.iterations);
  }
  return column;
}

// The tracepoint's events in each phase's intervals, per call, most
// frequent reason first; and whether the traced totals match KVM's count.
void attach_hardware_reasons(std::vector<CallResult>& results, const nlohmann::json& stats,
                             const std::vector<KvmTraceEvent>& events, std::vector<std::string>& notes) {
  uint64_t fired = 0;
  for (const auto& e : events) fired += e.kind == KvmEvent::kExit;
  if (fired == 0) {
    notes.push_back(results.front().path + ": kvm_exit never fired while KVM counted exits: no hardware reasons "
                    "(the causes come from the other tracepoints)");
    return;
  }
  std::string mismatches;
  for (auto& r : results) {
    const platform::NetbenchPhaseInfo* phase = nullptr;
    for (const auto& p : platform::kNetbenchPhases)
      if (r.call == p.name) phase = &p;
    auto windows = phase ? interval_windows(stats, phase->id) : Result<std::vector<TimeWindow>>(std::vector<TimeWindow>{});
    if (!windows || !r.calls) continue;
    uint64_t total = 0;
    for (const auto& [reason, count] : count_reasons(events, *windows)) {
      r.hw_exit_reasons.emplace_back(reason, static_cast<double>(count) / static_cast<double>(r.calls));
      total += count;
    }
    std::sort(r.hw_exit_reasons.begin(), r.hw_exit_reasons.end(),
              [](const auto& a, const auto& b) { return a.second > b.second; });
    r.traced_exits = static_cast<double>(total) / static_cast<double>(r.calls);
    // The closing marker's exit is traced but taken out of KVM's count.
    if (r.kvm_exits_all && std::fabs(*r.traced_exits - *r.kvm_exits_all) > 0.01 * *r.kvm_exits_all + 1.0 + 1e-9)
      mismatches += (mismatches.empty() ? "" : ", ") + r.call;
  }
  if (!mismatches.empty())
    notes.push_back(results.front().path + ": traced exits differ from KVM's count by more than 1% + the marker's own in: " + mismatches);
}

double device_per_call(const CallResult& r) {
  double device = 0;
  for (const auto& [kind, rate] : r.by_kind)
    if (kind.rfind("pio:", 0) == 0 || kind.rfind("mmio:", 0) == 0 || kind.rfind("ioeventfd:", 0) == 0) device += rate;
  return device;
}

// KVM's exits per call by cause (exit_attribution.h) for each phase.
void attach_attribution(std::vector<CallResult>& results, const RunAnalysis& analysis, const nlohmann::json& stats,
                        const KvmTrace* trace, uint32_t batch_limit, const loader::ElfSymbolTable* symbols) {
  for (auto& r : results) {
    const platform::NetbenchPhaseInfo* phase = nullptr;
    for (const auto& p : platform::kNetbenchPhases)
      if (r.call == p.name) phase = &p;
    auto deltas = analysis.kvm_deltas.find(r.call);
    if (!phase || deltas == analysis.kvm_deltas.end() || !r.calls) continue;
    AttributionInput in;
    in.calls = r.calls;
    in.kvm = deltas->second;
    in.device_per_call = device_per_call(r);
    in.trace = trace;
    if (auto windows = interval_windows(stats, phase->id)) in.windows = std::move(*windows);
    in.batch_limit = batch_limit;
    in.symbols = symbols;
    r.attribution = attribute_exits(in);
  }
}

// Worst disagreement of the two methods over the phases where they count
// the same thing.
std::string agreement_note(const std::vector<CallResult>& results, const std::string& path) {
  double worst = 0;
  std::string where;
  for (uint16_t id : kAgreementPhases) {
    std::string name = platform::netbench_phase(id)->name;
    for (const auto& r : results) {
      if (r.path != path || r.call != name || !r.subtraction_vmm_exits) continue;
      double d = std::fabs(*r.subtraction_vmm_exits - r.vmm_exits_all);
      if (d >= worst) worst = d, where = name;
    }
  }
  if (where.empty()) return {};
  char text[256];
  std::snprintf(text, sizeof text,
                "%s: marks and subtraction methods differ by at most %.2f exits per call over "
                "setsockopt, getsockopt, poll, send udp 64B, sendto (largest: %s)",
                path.c_str(), worst, where.c_str());
  return text;
}

}  // namespace

int run_exits_bench(const ExitsBenchOptions& o) {
  ExitsReport report;
  report.iterations = o.iterations;
  report.smp = o.smp;
  report.paths = o.paths;
  report.host = detect_host_flavour();
  uint32_t batch_limit = emulation_batch_limit(report.host).value_or(kDefaultEmulationBatchLimit);
  auto symbols = loader::ElfSymbolTable::load(o.guest_path);
  if (!symbols) report.notes.push_back("guest functions not named: " + symbols.error().message);
  else if (symbols->size() == 0) report.notes.push_back("guest functions not named: " + o.guest_path + " has no symbols");
  std::map<std::string, std::vector<CallResult>> by_path;
  for (const auto& path : o.paths) {
    PathSetup p = path_setup(path);
    std::fprintf(stderr, "exits: %s: %lu calls a phase...\n", path.c_str(), static_cast<unsigned long>(o.iterations));
    auto session = KvmTraceSession::start();
    if (!session) report.notes.push_back(path + ": KVM's tracepoints not traced: " + session.error().message);
    else if (!(*session)->missing().empty()) {
      std::string missing;
      for (const auto& name : (*session)->missing()) missing += (missing.empty() ? "" : ", ") + name;
      report.notes.push_back(path + ": this kernel has no tracepoint " + missing);
    }
    auto stats = run_vmm(o, p, {o.iterations, std::nullopt, true}, o.out_dir + "/" + path);
    std::optional<KvmTrace> trace;
    if (session) {
      auto traced = (*session)->stop();
      session->reset();
      if (traced) trace = std::move(*traced);
      else report.notes.push_back(path + ": " + traced.error().message);
      if (trace && trace->overrun) report.notes.push_back(path + ": the trace buffer overran: traced counts are lower bounds");
    }
    if (!stats) {
      std::fprintf(stderr, "vmm-bench exits: %s\n", stats.error().message.c_str());
      return 1;
    }
    auto analysis = analyse_marks(*stats, path, o.iterations);
    if (!analysis) {
      std::fprintf(stderr, "vmm-bench exits: %s: %s\n", path.c_str(), analysis.error().message.c_str());
      return 1;
    }
    if (trace && !analysis->results.empty()) attach_hardware_reasons(analysis->results, *stats, trace->events, report.notes);
    attach_attribution(analysis->results, *analysis, *stats, trace ? &*trace : nullptr, batch_limit,
                       symbols && symbols->size() ? &*symbols : nullptr);
    if (!analysis->kvm_counters) report.notes.push_back(path + ": KVM's own counters could not be read");
    char cost[128];
    std::snprintf(cost, sizeof cost, "%s: a pair of marks costs %.1f us (taken out of the latencies)",
                  path.c_str(), analysis->mark_pair_us);
    report.notes.push_back(cost);
    if (!p.accept) report.notes.push_back(path + ": accept not measured (the device has no port forward)");
    if (o.subtraction) {
      std::fprintf(stderr, "exits: %s: subtraction method, one run a phase...\n", path.c_str());
      auto subtraction = subtraction_method(o, p);
      if (!subtraction) {
        std::fprintf(stderr, "vmm-bench exits: %s\n", subtraction.error().message.c_str());
        return 1;
      }
      for (auto& r : analysis->results) {
        if (subtraction->count(r.call)) r.subtraction_vmm_exits = subtraction->at(r.call);
        for (const auto& phase : platform::kNetbenchPhases)
          if (phase.name == r.call) r.agreement = method_agreement(phase.id, r.vmm_exits_all, r.subtraction_vmm_exits);
      }
    }
    by_path[path] = std::move(analysis->results);
  }
  QemuColumn qemu;
  if (o.subtraction) {
    std::fprintf(stderr, "exits: QEMU microvm, subtraction method...\n");
    qemu = measure_qemu(o);
  } else {
    qemu.note = "QEMU not measured (--method marks)";
  }
  for (const auto& phase : platform::kNetbenchPhases) {
    for (const auto& path : o.paths) {
      for (auto& r : by_path[path]) {
        if (r.call != phase.name) continue;
        auto q = qemu.per_call.find(r.call);
        if (path == "virtio" && q != qemu.per_call.end()) r.qemu_exits = q->second;
        else r.qemu_note = path == "virtio" ? qemu.note : "QEMU: virtio path only";
        report.results.push_back(r);
      }
    }
  }
  for (const auto& path : o.paths)
    if (auto note = agreement_note(report.results, path); !note.empty()) report.notes.push_back(note);
  print_exits_table(report, std::cout);
  std::ofstream(o.out_dir + "/exits.json") << exits_to_json(report);
  std::ofstream(o.out_dir + "/exits.csv") << exits_to_csv(report);
  std::ofstream(o.out_dir + "/exits.svg") << exits_svg_chart(report);
  std::printf("results in %s/exits.{json,csv,svg}\n", o.out_dir.c_str());
  return 0;
}

}  // namespace vmm::bench
