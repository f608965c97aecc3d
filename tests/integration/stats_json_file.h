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

// The device called `name` in the document's "devices", or nullptr.
inline const nlohmann::json* find_device(const nlohmann::json& doc, const std::string& name) {
  if (!doc.contains("devices")) return nullptr;
  for (const auto& device : doc["devices"])
    if (device["name"] == name) return &device;
  return nullptr;
}

}  // namespace vmm::testing
