// Architectural MSR numbers and bits this VMM writes (Intel SDM Vol. 4,
// "Model-Specific Registers", Table 2-2 "IA-32 Architectural MSRs").
#pragma once

#include <cstdint>

namespace vmm::msr {

inline constexpr uint32_t kIa32MiscEnable = 0x1a0;
inline constexpr uint64_t kMiscEnableFastStrings = 1ull << 0;   // fast REP MOVS/STOS
inline constexpr uint64_t kMiscEnableBtsUnavailable = 1ull << 11;
inline constexpr uint64_t kMiscEnablePebsUnavailable = 1ull << 12;

inline constexpr uint32_t kIa32MtrrDefType = 0x2ff;
inline constexpr uint64_t kMtrrTypeWriteBack = 0x06;              // [7:0] default type
inline constexpr uint64_t kMtrrDefTypeFixedEnable = 1ull << 10;  // FE
inline constexpr uint64_t kMtrrDefTypeEnable = 1ull << 11;       // E

}  // namespace vmm::msr
