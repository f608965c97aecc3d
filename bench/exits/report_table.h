// The text table `vmm-bench exits` prints on stdout for a person to read;
// report_files.h writes the same figures for programs.
#pragma once

#include <ostream>

#include "bench/exits/exit_results.h"

namespace vmm::bench {

// Prints, in this order: VMM exits per call on all vCPUs (call rows, path
// columns); per call and path the caller-vCPU exits, KVM's counts, the idle
// background and the mean latency; per path the exits by kind; the
// subtraction-method and QEMU figures when measured (else why QEMU has none);
// report.notes. Lines stay within about 120 columns: tables too wide for that
// continue below with their call (and path) columns repeated.
void print_exits_table(const ExitsReport& report, std::ostream& out);

}  // namespace vmm::bench
