// The order in which every output of `vmm-bench exits` lists calls, paths and
// kinds, so that the table, the CSV and the chart agree row for row.
#pragma once

#include <string>
#include <vector>

#include "bench/exits/exit_results.h"

namespace vmm::bench {

// Calls in order of first appearance in report.results (netbench's order).
std::vector<std::string> call_order(const ExitsReport& report);

// report.paths, then any path a result names that report.paths lacks, so a
// result is never silently left out of an output.
std::vector<std::string> path_order(const ExitsReport& report);

// The result for one call on one path, or nullptr when it was not measured.
const CallResult* find_result(const ExitsReport& report, const std::string& call,
                              const std::string& path);

// Every kind named by the given results, in order of first appearance (each
// result's by_kind is already in the fixed kind order).
std::vector<std::string> kind_union(const std::vector<const CallResult*>& results);

}  // namespace vmm::bench
