// The captures of tests/unit/bench/fixtures (taken on a kvm_pvm host on
// 2026-12-07, /work/shared/captures/README.md of that session): a 12 ms
// tracefs excerpt inside phase 1 of a UDP echo run over shm0, and that
// run's --stats-json with the phase's two marks.
#pragma once

#include <zlib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bench/exits/kvm_trace_session.h"

namespace vmm::bench::fixtures {

inline std::string path(const std::string& name) { return std::string(VMM_BENCH_FIXTURES) + "/" + name; }

inline std::string gunzip_file(const std::string& name) {
  gzFile in = gzopen(path(name).c_str(), "rb");
  std::string text;
  if (!in) return text;
  char buf[65536];
  for (int n; (n = gzread(in, buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  gzclose(in);
  return text;
}

inline nlohmann::json json_file(const std::string& name) {
  std::ifstream in(path(name));
  return nlohmann::json::parse(in, nullptr, false);
}

// The excerpt's events, parsed as KvmTraceSession::stop() parses the trace.
inline const KvmTrace& pvm_trace() {
  static const KvmTrace trace = [] {
    KvmTrace t;
    std::istringstream in(gunzip_file("kvm_pvm-trace-udpecho-shm0-phase.txt.gz"));
    for (std::string line; std::getline(in, line);)
      if (auto e = parse_kvm_trace_line(line)) t.events.push_back(*e);
    // Enabled during the capture (its README): these, kvm_exit and
    // kvm_page_fault among them, which never fired.
    t.enabled = {KvmEvent::kExit,       KvmEvent::kEmulateInsn, KvmEvent::kPio,
                 KvmEvent::kMmio,       KvmEvent::kMsr,         KvmEvent::kUserspaceExit,
                 KvmEvent::kPageFault,  KvmEvent::kInjVirq};
    return t;
  }();
  return trace;
}

inline const nlohmann::json& pvm_stats() {
  static const nlohmann::json stats = json_file("kvm_pvm-udpecho-shm0-phase.stats.json");
  return stats;
}

}  // namespace vmm::bench::fixtures
