#include "bench/exits/emulation_batches.h"

namespace vmm::bench {

namespace {

bool marks_an_exit(KvmEvent kind) {
  switch (kind) {
    case KvmEvent::kExit:
    case KvmEvent::kPio:
    case KvmEvent::kMmio:
    case KvmEvent::kMsr:
    case KvmEvent::kCr:
    case KvmEvent::kPageFault:
    case KvmEvent::kUserspaceExit: return true;
    case KvmEvent::kEmulateInsn:
    case KvmEvent::kInjVirq: return false;  // an injection rides on an entry, not an exit
  }
  return false;
}

}  // namespace

bool returns_to_user_mode(const KvmTraceEvent& insn) {
  size_t i = 0;
  if (insn.insn_len > 1 && (insn.insn[0] & 0xf0) == 0x40) i = 1;  // REX
  if (i >= insn.insn_len) return false;
  if (insn.insn[i] == 0xcf) return true;  // iret
  return i + 1 < insn.insn_len && insn.insn[i] == 0x0f && (insn.insn[i + 1] == 0x07 || insn.insn[i + 1] == 0x35);
}

void count_emulation_batches(std::span<const KvmTraceEvent* const> events, uint32_t limit,
                             EmulationBatches& into) {
  uint64_t open = 0;  // instructions in the batch under way
  for (const KvmTraceEvent* e : events) {
    if (e->kind == KvmEvent::kEmulateInsn && !e->failed) {
      ++into.instructions;
      ++into.by_rip[e->rip];
      if (++open == limit) ++into.ended_by_limit, open = 0;
    } else if (e->kind == KvmEvent::kEmulateInsn) {
      ++(returns_to_user_mode(*e) ? into.returns_to_user : into.ended_by_failure);
      open = 0;
    } else if (marks_an_exit(e->kind) && open) {
      ++into.ended_by_exit_event;
      open = 0;
    }
  }
}

}  // namespace vmm::bench
