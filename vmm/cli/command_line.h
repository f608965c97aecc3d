// `vmm` command line (CLI11). --help and --version are answers, not errors.
#pragma once

#include <string>
#include <vector>

#include "vmm/cli/vm_config.h"
#include "hv/core/result.h"

namespace vmm {

struct CommandLine {
  enum class Kind { kRun, kPrintAndExit } kind = Kind::kRun;
  VmConfig config;
  std::string output;  // help or version text for kPrintAndExit
};

// `args` excludes argv[0]. Errors name the option: "--smp: ...".
Result<CommandLine> parse_command_line(const std::vector<std::string>& args);

}  // namespace vmm
