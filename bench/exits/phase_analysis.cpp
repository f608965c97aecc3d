#include "bench/exits/phase_analysis.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

#include "abi/netbench.h"
#include "abi/platform.h"

namespace vmm::bench {

namespace {

// Every counter of one mark, flattened: "vmm" (all vCPUs), "vmm@N" (vCPU
// N), "pio:REGION", "mmio:REGION", "kvm:STAT" (all vCPUs), "kvm:exits@N",
// "notify:DEVICE" (the device's notifications).
using Counters = std::map<std::string, int64_t>;

struct Mark {
  uint32_t value;
  uint32_t vcpu;
  uint64_t time_ns;
  Counters counters;
};

int64_t number(const nlohmann::json& j) { return j.is_number() ? j.get<int64_t>() : 0; }

// j[key], or null when j is no object or has no such key (never throws).
const nlohmann::json& member(const nlohmann::json& j, const char* key) {
  static const nlohmann::json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::string text(const nlohmann::json& j) { return j.is_string() ? j.get<std::string>() : "?"; }

// The elements of an array (nothing for anything else).
const nlohmann::json& elements(const nlohmann::json& j) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  return j.is_array() || j.is_object() ? j : kEmpty;
}

void add_vcpu(const nlohmann::json& vcpu, Counters& c, bool* kvm_seen) {
  std::string id = std::to_string(number(member(vcpu, "id")));
  const nlohmann::json& vmm = member(vcpu, "vmm");
  int64_t total = number(member(vmm, "total"));
  c["vmm"] += total;
  c["vmm@" + id] += total;
  for (const auto& io : elements(member(vmm, "io")))
    c["pio:" + text(member(io, "region"))] += number(member(io, "count"));
  for (const auto& mmio : elements(member(vmm, "mmio")))
    c["mmio:" + text(member(mmio, "region"))] += number(member(mmio, "count"));
  const nlohmann::json& reasons = member(vmm, "by_reason");
  if (reasons.is_object())
    for (auto it = reasons.begin(); it != reasons.end(); ++it) c["reason:" + it.key()] += number(*it);
  const nlohmann::json& kvm = member(vcpu, "kvm");
  if (!kvm.is_object() || kvm.empty()) return;
  *kvm_seen = true;
  for (auto it = kvm.begin(); it != kvm.end(); ++it) c["kvm:" + it.key()] += number(*it);
  c["kvm:exits@" + id] += number(member(kvm, "exits"));
}

Mark parse_mark(const nlohmann::json& m, bool* kvm_seen) {
  Mark mark{static_cast<uint32_t>(number(member(m, "phase"))), static_cast<uint32_t>(number(member(m, "vcpu"))),
            static_cast<uint64_t>(number(member(m, "host_time_ns"))), {}};
  for (const auto& vcpu : elements(member(m, "vcpus"))) add_vcpu(vcpu, mark.counters, kvm_seen);
  for (const auto& device : elements(member(m, "devices")))
    mark.counters["notify:" + text(member(device, "name"))] +=
        number(member(member(device, "counters"), "notifications"));
  return mark;
}

// What one phase's intervals add up to.
struct PhaseTotals {
  uint64_t intervals = 0;
  uint64_t duration_ns = 0;
  uint32_t caller = 0;
  Counters delta;
};

void accumulate(PhaseTotals& t, const Mark& start, const Mark& end) {
  ++t.intervals;
  t.duration_ns += end.time_ns - start.time_ns;
  t.caller = start.vcpu;
  for (const auto& [key, value] : end.counters) {
    auto it = start.counters.find(key);
    t.delta[key] += value - (it == start.counters.end() ? 0 : it->second);
  }
  // The end mark's own exit is in its snapshot (vmm/stats/bench_marker.h): one
  // port write by the VMM's count, and one exit in KVM's.
  std::string v = std::to_string(end.vcpu);
  for (const char* key : {"vmm", "pio:bench-marker", "reason:IO"}) --t.delta[key];
  --t.delta["vmm@" + v];
  for (std::string key : {std::string("kvm:exits"), "kvm:exits@" + v, std::string("kvm:io_exits")})
    if (t.delta[key] > 0) --t.delta[key];
}

Result<std::map<uint32_t, PhaseTotals>> pair_marks(const std::vector<Mark>& marks) {
  std::map<uint32_t, PhaseTotals> phases;
  std::map<uint32_t, const Mark*> open;
  for (const Mark& m : marks) {
    uint32_t id = m.value & platform::kBenchMarkPhaseMask;
    uint32_t kind = m.value & ~platform::kBenchMarkPhaseMask;
    if (kind == platform::kBenchMarkStart) {
      if (open.count(id)) return make_error("marks: phase " + std::to_string(id) + " started twice");
      open[id] = &m;
    } else if (kind == platform::kBenchMarkEnd) {
      auto it = open.find(id);
      if (it == open.end()) return make_error("marks: phase " + std::to_string(id) + " ended unstarted");
      accumulate(phases[id], *it->second, m);
      open.erase(it);
    }
  }
  if (!open.empty()) return make_error("marks: phase " + std::to_string(open.begin()->first) + " never ended");
  return phases;
}

double per(int64_t count, uint64_t calls) { return calls ? static_cast<double>(count) / static_cast<double>(calls) : 0; }

int64_t get(const Counters& c, const std::string& key) {
  auto it = c.find(key);
  return it == c.end() ? 0 : it->second;
}

// Kinds in a fixed order: the user-space exits by device, then what KVM
// handled in the kernel.
KindRates kinds(const PhaseTotals& t, bool ioeventfd, bool kvm, uint64_t calls) {
  KindRates rates;
  int64_t kicks = 0;
  for (const char* prefix : {"pio:", "mmio:"})
    for (const auto& [key, value] : t.delta)
      if (key.rfind(prefix, 0) == 0) rates.emplace_back(key, per(value, calls));
  if (ioeventfd)
    for (const auto& [key, value] : t.delta)
      if (key.rfind("notify:virtio", 0) == 0) {
        rates.emplace_back("ioeventfd:" + key.substr(7), per(value, calls));
        kicks += value;
      }
  if (!kvm) return rates;
  int64_t halt = get(t.delta, "kvm:halt_exits"), irq = get(t.delta, "kvm:irq_exits"),
          window = get(t.delta, "kvm:irq_window_exits");
  rates.emplace_back("halt", per(halt, calls));
  rates.emplace_back("irq", per(irq, calls));
  rates.emplace_back("irq_window", per(window, calls));
  // KVM's exits not accounted for above: MSR writes, emulation, ...
  int64_t other = get(t.delta, "kvm:exits") - get(t.delta, "vmm") - kicks - halt - irq - window;
  rates.emplace_back("other", per(std::max<int64_t>(other, 0), calls));
  return rates;
}

double per_second(int64_t count, uint64_t ns) {
  return ns ? static_cast<double>(count) * 1e9 / static_cast<double>(ns) : 0;
}

}  // namespace

Result<RunAnalysis> analyse_marks(const nlohmann::json& stats, const std::string& path, uint64_t calls) {
  if (!member(stats, "marks").is_array()) return make_error("stats: no marks in the document");
  if (number(member(stats, "marks_dropped")) > 0)
    return make_error("stats: the VMM dropped marks (record full): use fewer --iterations");
  RunAnalysis run;
  std::vector<Mark> marks;
  for (const auto& m : member(stats, "marks")) marks.push_back(parse_mark(m, &run.kvm_counters));
  auto paired = pair_marks(marks);
  if (!paired) return paired.take_error();
  const auto& phases = *paired;
  auto only = phases.find(platform::kPhaseMarkOnly);
  if (only != phases.end() && only->second.intervals)
    run.mark_pair_us = static_cast<double>(only->second.duration_ns) / static_cast<double>(only->second.intervals) / 1e3;
  // KVM's exits in an empty interval: the marks' own (see kvm_exits_net).
  std::optional<double> kvm_mark_pair;
  if (run.kvm_counters && only != phases.end() && only->second.intervals)
    kvm_mark_pair = static_cast<double>(get(only->second.delta, "kvm:exits")) / static_cast<double>(only->second.intervals);
  for (const auto& info : platform::kNetbenchPhases) {
    auto it = phases.find(info.id);
    if (it == phases.end()) continue;
    const PhaseTotals& t = it->second;
    CallResult r;
    r.call = info.name;
    r.path = path;
    r.calls = calls;
    r.vmm_exits_all = per(get(t.delta, "vmm"), calls);
    r.vmm_exits_caller = per(get(t.delta, "vmm@" + std::to_string(t.caller)), calls);
    if (run.kvm_counters) {
      r.kvm_exits_all = per(get(t.delta, "kvm:exits"), calls);
      r.kvm_exits_caller = per(get(t.delta, "kvm:exits@" + std::to_string(t.caller)), calls);
      if (kvm_mark_pair && calls)
        r.kvm_exits_net = (static_cast<double>(get(t.delta, "kvm:exits")) -
                           static_cast<double>(t.intervals) * *kvm_mark_pair) / static_cast<double>(calls);
    }
    r.by_kind = kinds(t, path == "virtio", run.kvm_counters, calls);
    for (const auto& [key, value] : t.delta)
      if (key.rfind("kvm:", 0) == 0 && key.find('@') == std::string::npos) run.kvm_deltas[r.call][key.substr(4)] = value;
    double busy_us = static_cast<double>(t.duration_ns) / 1e3 - static_cast<double>(t.intervals) * run.mark_pair_us;
    r.mean_latency_us = calls ? std::max(busy_us, 0.0) / static_cast<double>(calls) : 0;
    auto idle = phases.find(info.id | platform::kNetbenchIdleFlag);
    if (idle != phases.end()) {
      r.idle_vmm_exits_per_s = per_second(get(idle->second.delta, "vmm"), idle->second.duration_ns);
      if (run.kvm_counters)
        r.idle_kvm_exits_per_s = per_second(get(idle->second.delta, "kvm:exits"), idle->second.duration_ns);
    }
    run.results.push_back(std::move(r));
  }
  return run;
}

Result<std::vector<TimeWindow>> interval_windows(const nlohmann::json& stats, uint16_t phase) {
  if (!member(stats, "marks").is_array()) return make_error("stats: no marks in the document");
  std::vector<TimeWindow> windows;
  bool open = false;
  uint64_t started = 0;
  for (const auto& m : member(stats, "marks")) {
    auto value = static_cast<uint32_t>(number(member(m, "phase")));
    if ((value & platform::kBenchMarkPhaseMask) != phase) continue;
    auto time = static_cast<uint64_t>(number(member(m, "host_time_ns")));
    if ((value & ~platform::kBenchMarkPhaseMask) == platform::kBenchMarkStart) {
      started = time;
      open = true;
    } else if (open) {
      windows.push_back({started, time});
      open = false;
    }
  }
  return windows;
}

Result<std::vector<double>> interval_lengths_us(const nlohmann::json& stats, uint16_t phase) {
  auto windows = interval_windows(stats, phase);
  if (!windows) return windows.take_error();
  std::vector<double> lengths;
  for (const auto& w : *windows) lengths.push_back(static_cast<double>(w.end_ns - w.start_ns) / 1e3);
  return lengths;
}

}  // namespace vmm::bench
