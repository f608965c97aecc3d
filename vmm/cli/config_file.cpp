#include "vmm/cli/config_file.h"

#include <toml++/toml.h>

#include <array>
#include <fstream>
#include <sstream>

#include "vmm/cli/shmem_config.h"
#include "hv/memory/guest_memory.h"

namespace vmm {

namespace {

constexpr std::array kLogLevels = {"trace", "debug", "info", "warn", "error"};

Error key_error(const std::string& source, const std::string& key, const std::string& what) {
  return make_error(source + ": key '" + key + "': " + what);
}

Result<void> apply_key(const std::string& source, const std::string& key, const toml::node& node,
                       VmConfig& config) {
  auto want_string = [&]() -> Result<std::string> {
    if (auto v = node.value<std::string>()) return *v;
    return key_error(source, key, "expected a string");
  };
  if (key == "guest") {
    config.guest_path = VMM_TRY(want_string());
  } else if (key == "smp") {
    // value_exact: value<int64_t>() also converts a float, and toml++ casts
    // one beyond int64's range (smp = 2E222) to int64 first: undefined
    // behaviour (found by config_cli_fuzz). A vCPU count is an integer.
    auto v = node.value_exact<int64_t>();
    if (!v) return key_error(source, key, "expected an integer");
    auto vcpus = check_vcpus(*v);
    if (!vcpus.ok()) return key_error(source, key, vcpus.error().message);
    config.vcpus = *vcpus;
  } else if (key == "memory") {
    auto bytes = check_memory(VMM_TRY(want_string()));
    if (!bytes.ok()) return key_error(source, key, bytes.error().message);
    config.memory_bytes = *bytes;
  } else if (key == "cmdline") {
    config.cmdline = VMM_TRY(want_string());
  } else if (key == "log-level") {
    auto level = check_log_level(VMM_TRY(want_string()));
    if (!level.ok()) return key_error(source, key, level.error().message);
    config.log_level = *level;
  } else if (key == "stats") {
    auto v = node.value<bool>();
    if (!v) return key_error(source, key, "expected true or false");
    config.print_stats = *v;
  } else if (key == "net") {
    auto net = net::parse_net_option(VMM_TRY(want_string()));
    if (!net.ok()) return key_error(source, key, net.error().message);
    config.net = std::move(*net);
  } else if (key == "no-ioeventfd") {
    // value<bool>() would also take 0 and 1; only true and false are meant.
    auto v = node.value_exact<bool>();
    if (!v) return key_error(source, key, "expected true or false");
    config.use_ioeventfd = !*v;
  } else if (key == "no-seccomp") {
    auto v = node.value_exact<bool>();
    if (!v) return key_error(source, key, "expected true or false");
    config.seccomp = !*v;
  } else if (key == "shmem") {
    auto shmem = parse_shmem_value(VMM_TRY(want_string()));
    if (!shmem.ok()) return key_error(source, key, shmem.error().message);
    config.shmem = std::move(*shmem);
  } else if (key == "stats-json") {
    std::string path = VMM_TRY(want_string());
    if (path.empty()) config.stats_json_path.reset();
    else config.stats_json_path = path;
  } else {
    return make_error(source + ": unknown key '" + key + "'");
  }
  return ok();
}

// toml++ 3.3 (Debian 12's) reaches __builtin_unreachable() on some non-ASCII
// characters, e.g. U+0329 where it looks for whitespace (marzer/tomlplusplus
// issues 190 and 295): undefined behaviour on a user's typo. Every key and
// value the VMM reads is ASCII, so such a file is refused before toml++
// sees it.
Result<void> check_ascii(const std::string& text, const std::string& source) {
  size_t line = 1;
  for (char c : text) {
    if (c == '\n') ++line;
    if (static_cast<unsigned char>(c) >= 0x80)
      return make_error(source + ":" + std::to_string(line) +
                        ": non-ASCII character (config files are ASCII)");
  }
  return ok();
}

}  // namespace

Result<uint32_t> check_vcpus(int64_t value) {
  if (value < 1 || value > kMaxVcpusAccepted)
    return make_error("vCPU count must be between 1 and " + std::to_string(kMaxVcpusAccepted) +
                      ", got " + std::to_string(value));
  return static_cast<uint32_t>(value);
}

Result<uint64_t> check_memory(const std::string& text) {
  uint64_t bytes = VMM_TRY(parse_size(text));
  if (bytes % 4096 != 0) return make_error("memory size '" + text + "' is not a multiple of 4 KiB");
  if (bytes < kMinMemoryBytes) return make_error("memory size '" + text + "' is below 16M");
  return bytes;
}

Result<std::string> check_log_level(const std::string& text) {
  for (const char* level : kLogLevels)
    if (text == level) return text;
  return make_error("log level '" + text + "' is not one of trace, debug, info, warn, error");
}

Result<void> apply_config_text(const std::string& text, const std::string& source,
                               VmConfig& config) {
  VMM_TRY_VOID(check_ascii(text, source));
  toml::parse_result parsed = toml::parse(text, source);
  if (!parsed) {
    const auto& err = parsed.error();
    return make_error(source + ":" + std::to_string(err.source().begin.line) + ": " +
                      std::string(err.description()));
  }
  for (const auto& [key, node] : parsed.table())
    VMM_TRY_VOID(apply_key(source, std::string(key.str()), node, config));
  return ok();
}

Result<void> apply_config_file(const std::string& path, VmConfig& config) {
  std::ifstream in(path);
  if (!in) return make_error("cannot read config file '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  return apply_config_text(text.str(), path, config);
}

}  // namespace vmm
