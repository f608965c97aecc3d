// What KVM said when it stopped a vCPU with KVM_EXIT_INTERNAL_ERROR, for the
// fault report beside the registers. For suberror KVM_INTERNAL_ERROR_EMULATION
// (KVM's instruction emulator gave up, e.g. on kvm_pvm where the guest
// kernel runs in it) the instruction bytes, as QEMU prints them, and the
// guest RIP's function:
//   emulation failure at 0xffffffff80101234 <net::Tcp::send+0x24>: instruction bytes 0f c7 0e
// Linux fills kvm_run.emulation_failure (<linux/kvm.h>: flags, insn_size,
// insn_bytes[15], ndata 3 or more) on every emulation failure that exits at
// CPL 0 since 5.17, and before that only with KVM_CAP_EXIT_ON_EMULATION_FAILURE;
// that capability is not enabled here: it would also stop the VM on a failure
// in guest user mode, which KVM otherwise answers with #UD to the process.
// When the bytes are absent the report says so; the guest's memory is not
// read instead (that needs a walk of the guest's page tables).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hv/kvm/kvm.h"

namespace vmm {

// The guest function holding an address, "name+0x24", or "" when unknown.
using GuestSymbolizer = std::function<std::string(uint64_t)>;

// The instruction bytes KVM gave with an emulation failure; empty when it
// gave none (flag clear, ndata too small, insn_size 0 or over 15).
std::vector<uint8_t> emulation_failure_bytes(const kvm_run& run);

// "emulation failure at 0x... <function+0x..>: instruction bytes 0f c7 0e"
// or "...: bytes not given by KVM"; <...> only when `symbolize` names it;
// "at (rip unavailable)" without a RIP.
std::string describe_emulation_failure(const kvm_run& run, std::optional<uint64_t> rip,
                                       const GuestSymbolizer& symbolize);

// The line to add to a fault report for `run`: the emulation failure (RIP
// read from `vcpu`), KVM's extra data words for other internal errors, ""
// for any other exit.
std::string internal_error_details(KvmVcpu& vcpu, const kvm_run& run, const GuestSymbolizer& symbolize);

}  // namespace vmm
