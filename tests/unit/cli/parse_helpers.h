// What the command-line tests call: parse a vmm argument list (without
// argv[0]) and, for the refusals, just the message.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "vmm/cli/command_line.h"

namespace vmm::testing {

inline Result<CommandLine> parse(std::vector<std::string> args) { return parse_command_line(args); }

inline std::string error_of(std::vector<std::string> args) {
  auto r = parse(std::move(args));
  return r.ok() ? std::string("(no error)") : r.error().message;
}

}  // namespace vmm::testing
