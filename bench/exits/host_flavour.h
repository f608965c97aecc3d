// Which KVM a result was measured on: the module (kvm_intel, kvm_amd or
// kvm_pvm, from /sys/module), whether it offers nested virtualization (its
// `nested` parameter), its parameters of note (kvm_pvm's pvm_native and
// pvm_emul_batch), the kernel (/proc/sys/kernel/osrelease, what uname -r
// prints), the CPU model and whether this host is itself a guest
// (/proc/cpuinfo). Read under `root` so tests can use a fake tree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bench/exits/exit_results.h"

namespace vmm::bench {

HostFlavour detect_host_flavour(const std::string& root = "/");

// "kvm_pvm (nested N, pvm_native=Y, pvm_emul_batch=1024), Linux 6.18.44,
// Intel(R) Xeon(R) ... (a guest itself)": one line for table headers.
std::string describe_host(const HostFlavour& host);

// pvm_emul_batch when the host's KVM has it, else nullopt.
std::optional<uint32_t> emulation_batch_limit(const HostFlavour& host);

}  // namespace vmm::bench
