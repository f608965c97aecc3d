// Reading fields of untrusted JSON (QEMU's replies) without exceptions.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace vmm::bench {

// obj[key] if obj is an object and that field is a string, else "".
inline std::string string_field(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key) || !obj[key].is_string()) return {};
  return obj[key].get<std::string>();
}

}  // namespace vmm::bench
