#include "vmm/vcpu/emulation_failure.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "hv/core/hex.h"

namespace vmm {

namespace {

// data[0] = flags, data[1..2] = insn_size and insn_bytes (<linux/kvm.h>).
constexpr uint32_t kWordsWithInstructionBytes = 3;
constexpr size_t kMaxInstructionBytes = sizeof(kvm_run{}.emulation_failure.insn_bytes);

std::string byte_list(const std::vector<uint8_t>& bytes) {
  std::string out;
  for (uint8_t b : bytes) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%s%02x", out.empty() ? "" : " ", b);
    out += buf;
  }
  return out;
}

// KVM's data words for internal errors other than emulation (QEMU prints
// them as "extra data[i]"); ndata is KVM's, capped at the array's size.
std::string extra_data(const kvm_run& run) {
  uint32_t words = std::min<uint32_t>(run.internal.ndata, std::size(run.internal.data));
  if (words == 0) return {};
  std::string out = "KVM internal error data:";
  for (uint32_t i = 0; i < words; ++i) out += " " + hex(run.internal.data[i]);
  return out;
}

}  // namespace

std::vector<uint8_t> emulation_failure_bytes(const kvm_run& run) {
  const auto& failure = run.emulation_failure;
  if (run.internal.suberror != KVM_INTERNAL_ERROR_EMULATION || failure.ndata < kWordsWithInstructionBytes ||
      !(failure.flags & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES) || failure.insn_size == 0 ||
      failure.insn_size > kMaxInstructionBytes)
    return {};
  return {failure.insn_bytes, failure.insn_bytes + failure.insn_size};
}

std::string describe_emulation_failure(const kvm_run& run, std::optional<uint64_t> rip,
                                       const GuestSymbolizer& symbolize) {
  std::string line = "emulation failure at " + (rip ? hex(*rip) : std::string("(rip unavailable)"));
  std::string function = rip && symbolize ? symbolize(*rip) : std::string();
  if (!function.empty()) line += " <" + function + ">";
  auto bytes = emulation_failure_bytes(run);
  return line + (bytes.empty() ? ": bytes not given by KVM" : ": instruction bytes " + byte_list(bytes));
}

std::string internal_error_details(KvmVcpu& vcpu, const kvm_run& run, const GuestSymbolizer& symbolize) {
  if (run.exit_reason != KVM_EXIT_INTERNAL_ERROR) return {};
  if (run.internal.suberror != KVM_INTERNAL_ERROR_EMULATION) return extra_data(run);
  auto regs = vcpu.get_regs();
  return describe_emulation_failure(run, regs.ok() ? std::optional(regs->rip) : std::nullopt, symbolize);
}

}  // namespace vmm
