// Prefixes a failed step's error with the step's name, so that "Invalid
// argument" deep in setup reads "vCPU 1: set_msrs: KVM_SET_MSRS failed: ...".
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "hv/core/result.h"

namespace vmm {

inline Result<void> in_step(std::string_view step, Result<void> result) {
  if (result.ok()) return result;
  return make_error(std::string(step) + ": " + result.error().message);
}

}  // namespace vmm
