// The TOML config file (--config FILE): flat keys named as the long command
// line options (`smp = 4`, `memory = "512M"`, `log-level = "info"`).
// configs/default.toml lists every key with its default.
#pragma once

#include <string>

#include "vmm/cli/vm_config.h"
#include "hv/core/result.h"

namespace vmm {

// Applies the keys of the TOML text to `config`. `source` names the file in
// error messages. Unknown keys and wrong types are errors.
Result<void> apply_config_text(const std::string& text, const std::string& source,
                               VmConfig& config);
Result<void> apply_config_file(const std::string& path, VmConfig& config);

// Value checks shared by the config file and the command line.
Result<uint32_t> check_vcpus(int64_t value);
Result<uint64_t> check_memory(const std::string& text);
Result<std::string> check_log_level(const std::string& text);

}  // namespace vmm
