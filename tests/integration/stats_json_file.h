// Reads a `vmm --stats-json` file once and deletes it, so that no test
// leaves one behind. A file that is missing or not JSON gives a discarded
// value (is_discarded()), which the calling test reports.
#pragma once

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace vmm::testing {

inline nlohmann::json read_and_remove_json(const std::string& path) {
  std::ifstream in(path);
  auto doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  std::remove(path.c_str());
  return doc;
}

}  // namespace vmm::testing
