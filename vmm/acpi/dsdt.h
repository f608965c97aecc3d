// The Differentiated System Description Table (ACPI 6.5 section 5.2.11.1):
// a header and a definition block of AML. Ours declares only \_S5, the
// sleep type a guest writes to the FADT's SLEEP_CONTROL_REG to power off.
#pragma once

#include <cstdint>
#include <vector>

namespace vmm::acpi {

std::vector<uint8_t> build_dsdt();

}  // namespace vmm::acpi
