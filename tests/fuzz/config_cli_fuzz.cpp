// The user's side of the VMM (vmm/cli and the option parsers it calls): TOML
// config text, whole command lines through CLI11 (with --config pointing at a
// file holding fuzzer-written TOML), and the value parsers of --net,
// hostfwd=, --shmem, durations and sizes.
//
// Invariants checked besides memory safety and "no exception escapes": an
// accepted configuration holds values the VMM can use (vCPUs 1..255, memory
// at least 16M in whole pages, a known log level, a shmem size its ring
// geometry accepts), and no accepted option text contains a NUL byte.
//
// Input: mode u8, then text. Mode 1 (command line): NUL-separated fields, the
// first is the config file's contents, the others are the arguments.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "abi/shmem_ring.h"
#include "devices/shmem/shmem_option.h"
#include "tests/fuzz/fuzz_input.h"
#include "hostnet/host_forward.h"
#include "hostnet/net_config.h"
#include "vmm/cli/command_line.h"
#include "vmm/cli/config_file.h"

namespace vmm::fuzz {
namespace {

enum Mode : uint8_t { kToml, kCommandLine, kNet, kShmem, kValues, kModeCount };

void check_config(const VmConfig& config) {
  FUZZ_CHECK(config.vcpus >= 1 && config.vcpus <= kMaxVcpusAccepted);
  FUZZ_CHECK(config.memory_bytes >= kMinMemoryBytes && config.memory_bytes % 4096 == 0);
  constexpr std::array<std::string_view, 5> kLevels = {"trace", "debug", "info", "warn", "error"};
  FUZZ_CHECK(std::find(kLevels.begin(), kLevels.end(), config.log_level) != kLevels.end());
}

// The file behind every --config: what the input says it holds, never a
// path the input chose (/dev/zero would only test the disk).
const std::string& config_path() {
  struct TempFile {
    std::string path = "/tmp/vmm-config-fuzz-" + std::to_string(getpid()) + ".toml";
    ~TempFile() { unlink(path.c_str()); }
  };
  static const TempFile file;
  return file.path;
}

std::vector<std::string> split_fields(std::string_view text) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (;;) {
    size_t end = text.find('\0', start);
    fields.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return fields;
    start = end + 1;
  }
}

void fuzz_command_line(std::string_view text) {
  std::vector<std::string> fields = split_fields(text);
  bool uses_config = false;
  std::vector<std::string> args;
  for (size_t i = 1; i < fields.size(); ++i) {
    const std::string& arg = fields[i];
    if (arg == "--config") {
      args.push_back(arg);
      args.push_back(config_path());
      ++i;  // the input's own path is dropped
      uses_config = true;
    } else if (arg.rfind("--config=", 0) == 0) {
      args.push_back("--config=" + config_path());
      uses_config = true;
    } else {
      args.push_back(arg);
    }
  }
  if (uses_config) std::ofstream(config_path(), std::ios::trunc) << fields[0];
  auto parsed = parse_command_line(args);
  if (verbose())
    std::fprintf(stderr, "config_cli_fuzz: command line %s\n",
                 parsed.ok() ? "accepted" : parsed.error().message.c_str());
  if (parsed.ok() && parsed->kind == CommandLine::Kind::kRun) check_config(parsed->config);
}

void fuzz_shmem(const std::string& text) {
  auto option = parse_shmem_option(text);
  if (option.ok()) {
    FUZZ_CHECK(shmem::check_region_size(option->size) == shmem::ShmemError::kNone);
    FUZZ_CHECK(option->gpa % shmem::kPageSize == 0);
  }
  (void)parse_duration(text);
}

void fuzz_values(const std::string& text) {
  if (auto size = parse_size(text); size.ok()) FUZZ_CHECK(*size > 0);
  if (auto memory = check_memory(text); memory.ok()) FUZZ_CHECK(*memory >= kMinMemoryBytes);
  if (auto forward = net::parse_host_forward(text); forward.ok()) {
    // No accepted spelling has a NUL in it (a TOML string can carry one).
    FUZZ_CHECK(text.find('\0') == std::string::npos);
    (void)net::describe(*forward);
  }
  (void)check_log_level(text);
}

}  // namespace
}  // namespace vmm::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vmm::fuzz;
  if (size == 0) return 0;
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % kModeCount) {
    case kToml: {
      vmm::VmConfig config;
      auto applied = vmm::apply_config_text(text, "fuzz.toml", config);
      if (verbose())
        std::fprintf(stderr, "config_cli_fuzz: toml %s\n", applied.ok() ? "accepted" : applied.error().message.c_str());
      if (applied.ok()) check_config(config);
      break;
    }
    case kCommandLine: fuzz_command_line(text); break;
    case kNet:
      if (vmm::net::parse_net_option(text).ok()) FUZZ_CHECK(text.find('\0') == std::string::npos);
      break;
    case kShmem: fuzz_shmem(text); break;
    case kValues: fuzz_values(text); break;
  }
  return 0;
}
