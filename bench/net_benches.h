// `vmm-bench latency` and `vmm-bench throughput`: netbench runs of one phase
// each, timed by the VMM's benchmark marks (host clock), per I/O path.
//
// latency:    UDP round trip of 64 B guest <-> host peer, p50/p99 us; a pair
//             of marks (the marks-only phase's median) taken out of each.
// throughput: UDP 64 B datagrams/s guest -> host, TCP MB/s guest -> host
//             and host -> guest; and the host CPU time the VMM process spent
//             over the whole run (its threads, the shmem poller included).
#pragma once

#include "bench/exits/exits_bench.h"

namespace vmm::bench {

// Both take the exits benchmark's options (paths, iterations = calls per
// phase, smp, out_dir); they print a table and write latency.{json,csv} or
// throughput.{json,csv}. Return a process status.
int run_latency_bench(const ExitsBenchOptions& options);
int run_throughput_bench(const ExitsBenchOptions& options);

}  // namespace vmm::bench
