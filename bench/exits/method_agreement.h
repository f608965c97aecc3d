// Whether the marks and the subtraction method agree for a call: within
// 0.05 + 5% VMM exits per call. Only phases that do nothing outside their
// intervals but the shared set-up can agree; for the others the reason is
// said instead of a verdict.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace vmm::bench {

bool methods_agree(double marks, double subtraction);

// "agree", "DISAGREE by X", or why they cannot agree; "" without a
// subtraction figure.
std::string method_agreement(uint16_t phase, double marks, std::optional<double> subtraction);

}  // namespace vmm::bench
