#include "bench/exits/report_order.h"

#include <algorithm>

namespace vmm::bench {

namespace {

void append_new(std::vector<std::string>& list, const std::string& name) {
  if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
}

}  // namespace

std::vector<std::string> call_order(const ExitsReport& report) {
  std::vector<std::string> calls;
  for (const auto& result : report.results) append_new(calls, result.call);
  return calls;
}

std::vector<std::string> path_order(const ExitsReport& report) {
  std::vector<std::string> paths;
  for (const auto& path : report.paths) append_new(paths, path);
  for (const auto& result : report.results) append_new(paths, result.path);
  return paths;
}

const CallResult* find_result(const ExitsReport& report, const std::string& call,
                              const std::string& path) {
  for (const auto& result : report.results)
    if (result.call == call && result.path == path) return &result;
  return nullptr;
}

std::vector<std::string> kind_union(const std::vector<const CallResult*>& results) {
  std::vector<std::string> kinds;
  for (const CallResult* result : results)
    for (const auto& [kind, rate] : result->by_kind) append_new(kinds, kind);
  return kinds;
}

}  // namespace vmm::bench
