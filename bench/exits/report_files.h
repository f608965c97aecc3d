// The files `vmm-bench exits` writes beside its table: JSON and CSV with every
// figure of an ExitsReport, for scripts and spreadsheets.
#pragma once

#include <string>

#include "bench/exits/exit_results.h"

namespace vmm::bench {

// The report as JSON, keys in this order; rates are per call, absent
// optionals are null:
//   {"benchmark": "exits", "iterations": N, "smp": N, "paths": [path...],
//    "results": [{"call", "path", "calls",
//                 "vmm_exits_all", "vmm_exits_caller",
//                 "kvm_exits_all" | null, "kvm_exits_caller" | null,
//                 "by_kind": {kind: rate, ...}   (the fixed kind order),
//                 "idle_vmm_exits_per_s", "idle_kvm_exits_per_s" | null,
//                 "mean_latency_us",
//                 "subtraction_vmm_exits" | null, "qemu_exits" | null,
//                 "qemu_note"}, ...],
//    "notes": [text...]}
// Non-finite numbers, which JSON cannot hold, are written as null.
std::string exits_to_json(const ExitsReport& report);

// The results as CSV, one line per call and path after a header line:
//   call,path,calls,vmm_exits_all,vmm_exits_caller,kvm_exits_all,
//   kvm_exits_caller,idle_vmm_exits_per_s,idle_kvm_exits_per_s,
//   mean_latency_us,subtraction_vmm_exits,qemu_exits,qemu_note,
//   kind:<name>...   (the union of every result's kinds)
// An absent optional or kind is an empty cell; numbers are the shortest text
// that reads back as the same double. Fields holding a comma, a quote or a
// line break are quoted with quotes doubled (RFC 4180 §2); lines end in "\n".
std::string exits_to_csv(const ExitsReport& report);

}  // namespace vmm::bench
