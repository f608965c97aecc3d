#include "bench/exits/exit_attribution.h"

#include <algorithm>
#include <array>

namespace vmm::bench {

namespace {

constexpr const char* kDevice = "device";
constexpr const char* kInterrupts = "interrupts+timers";
constexpr const char* kMsrCr = "msr+cr";
constexpr const char* kPageFaults = "page faults";
constexpr const char* kEntries = "user->kernel";
constexpr const char* kBatches = "emulation batches";
constexpr const char* kOther = "other reasons";

// kvm_exit reasons by column: VMX names (arch/x86/include/uapi/asm/vmx.h)
// and SVM names (svm.h), as the tracepoint prints them. Device reasons are
// left to the VMM's exact counts.
const char* reason_column(const std::string& reason) {
  static const std::array<std::pair<const char*, const char*>, 31> kColumns = {{
      {"IO_INSTRUCTION", kDevice},       {"EPT_MISCONFIG", kDevice},      {"io", kDevice},
      {"EXTERNAL_INTERRUPT", kInterrupts}, {"INTERRUPT_WINDOW", kInterrupts}, {"NMI_WINDOW", kInterrupts},
      {"HLT", kInterrupts},              {"PREEMPTION_TIMER", kInterrupts}, {"APIC_WRITE", kInterrupts},
      {"EOI_INDUCED", kInterrupts},      {"APIC_ACCESS", kInterrupts},    {"intr", kInterrupts},
      {"vintr", kInterrupts},            {"hlt", kInterrupts},            {"nmi", kInterrupts},
      {"avic_incomplete_ipi", kInterrupts}, {"avic_unaccelerated_access", kInterrupts},
      {"MSR_READ", kMsrCr},              {"MSR_WRITE", kMsrCr},           {"CR_ACCESS", kMsrCr},
      {"DR_ACCESS", kMsrCr},             {"msr", kMsrCr},                 {"EPT_VIOLATION", kPageFaults},
      {"npf", kPageFaults},              {"EXCEPTION_NMI", kPageFaults},  {"PF excp", kPageFaults},
      {"excp_e", kPageFaults},           {"cr0_write", kMsrCr},           {"cr3_write", kMsrCr},
      {"cr4_write", kMsrCr},             {"cr8_write", kMsrCr},
  }};
  for (const auto& [name, column] : kColumns)
    if (reason == name) return column;
  return kOther;
}

int64_t stat(const std::map<std::string, int64_t>& kvm, const char* name) {
  auto it = kvm.find(name);
  return it == kvm.end() ? 0 : it->second;
}

struct Traced {
  std::map<std::string, uint64_t> reasons;  // kvm_exit
  uint64_t exits = 0, msr_cr = 0, page_faults = 0;
  EmulationBatches batches;
};

Traced count_traced(const AttributionInput& in) {
  Traced t;
  for (const auto& window : in.windows) {
    for (const auto& [tid, events] : events_in_windows(*in.trace, window)) {
      count_emulation_batches(events, in.batch_limit, t.batches);
      for (const KvmTraceEvent* e : events) {
        if (e->kind == KvmEvent::kExit) ++t.exits, ++t.reasons[e->text];
        if (e->kind == KvmEvent::kMsr || e->kind == KvmEvent::kCr) ++t.msr_cr;
        if (e->kind == KvmEvent::kPageFault) ++t.page_faults;
      }
    }
  }
  return t;
}

class Columns {
 public:
  explicit Columns(uint64_t calls) : calls_(calls) {}
  void measured(const char* cause, double count, std::string source) {
    figures_.push_back({cause, count / static_cast<double>(calls_), std::move(source), ""});
  }
  void absent(const char* cause, std::string source, std::string note) {
    figures_.push_back({cause, std::nullopt, std::move(source), std::move(note)});
  }
  std::vector<CauseFigure> take() { return std::move(figures_); }

 private:
  uint64_t calls_;
  std::vector<CauseFigure> figures_;
};

// Every column from kvm_exit's reasons (device from the VMM).
void from_exit_reasons(const Traced& t, Columns& c) {
  std::map<std::string, uint64_t> by_column;
  for (const auto& [reason, count] : t.reasons) by_column[reason_column(reason)] += count;
  for (const char* column : {kInterrupts, kMsrCr, kPageFaults}) c.measured(column, static_cast<double>(by_column[column]), "kvm_exit");
  c.measured(kEntries, 0, "kvm_exit (no exit on entry with VMX/SVM)");
  c.measured(kBatches, 0, "kvm_exit");
  c.measured(kOther, static_cast<double>(by_column[kOther]), "kvm_exit");
}

std::string silent(const char* tracepoint, const char* stat_name, int64_t moved) {
  return std::string("silent: ") + tracepoint + " fired 0 times while KVM's " + stat_name + " rose by " +
         std::to_string(moved);
}

// kvm_exit silent: KVM's statistics and the other tracepoints.
void from_other_tracepoints(const AttributionInput& in, const Traced& t, Columns& c) {
  const auto& on = in.trace->enabled;
  if (on.contains(KvmEvent::kMsr) && on.contains(KvmEvent::kCr)) c.measured(kMsrCr, static_cast<double>(t.msr_cr), "kvm_msr, kvm_cr");
  else c.absent(kMsrCr, "kvm_msr, kvm_cr", "not traced (no such tracepoint)");
  int64_t pf_taken = stat(in.kvm, "pf_taken");
  if (!on.contains(KvmEvent::kPageFault)) c.absent(kPageFaults, "kvm_page_fault", "not traced (no such tracepoint)");
  else if (t.page_faults == 0 && pf_taken > 0) c.absent(kPageFaults, "kvm_page_fault", silent("kvm_page_fault", "pf_taken", pf_taken));
  else c.measured(kPageFaults, static_cast<double>(t.page_faults), "kvm_page_fault");
  int64_t emulated = stat(in.kvm, "insn_emulation");
  if (!on.contains(KvmEvent::kEmulateInsn)) {
    c.absent(kEntries, "kvm_emulate_insn", "not traced (no such tracepoint)");
    c.absent(kBatches, "kvm_emulate_insn", "not traced (no such tracepoint)");
  } else if (t.batches.instructions == 0 && emulated > 0) {
    c.absent(kEntries, "kvm_emulate_insn", silent("kvm_emulate_insn", "insn_emulation", emulated));
    c.absent(kBatches, "kvm_emulate_insn", silent("kvm_emulate_insn", "insn_emulation", emulated));
  } else {
    c.measured(kEntries, static_cast<double>(t.batches.returns_to_user), "kvm_emulate_insn (failed iret/sysret)");
    c.measured(kBatches, static_cast<double>(t.batches.batch_exits()),
               "kvm_emulate_insn (batch rule, limit " + std::to_string(in.batch_limit) + ")");
  }
}

double interrupt_exits(const std::map<std::string, int64_t>& kvm) {
  return static_cast<double>(stat(kvm, "halt_exits") + stat(kvm, "irq_exits") + stat(kvm, "irq_window_exits") +
                             stat(kvm, "nmi_window_exits") + stat(kvm, "request_irq_exits"));
}

void finish(const AttributionInput& in, ExitAttribution& a) {
  double calls = static_cast<double>(in.calls);
  double kvm = static_cast<double>(stat(in.kvm, "exits")) / calls;
  double explained = 0;
  for (const auto& f : a.causes) explained += f.per_call.value_or(0);
  a.unattributed = kvm - explained;
  if (kvm > 0) a.attributed_percent = 100.0 * explained / kvm;
}

}  // namespace

std::map<uint32_t, std::vector<const KvmTraceEvent*>> events_in_windows(const KvmTrace& trace,
                                                                         const TimeWindow& window) {
  std::map<uint32_t, std::vector<const KvmTraceEvent*>> by_tid;
  auto first = std::lower_bound(trace.events.begin(), trace.events.end(), window.start_ns,
                                [](const KvmTraceEvent& e, uint64_t t) { return e.time_ns < t; });
  for (auto it = first; it != trace.events.end() && it->time_ns < window.end_ns; ++it) by_tid[it->tid].push_back(&*it);
  return by_tid;
}

std::vector<std::pair<std::string, double>> top_functions(const std::map<uint64_t, uint64_t>& by_rip,
                                                         const loader::ElfSymbolTable& symbols, size_t top) {
  std::map<std::string, uint64_t> by_function;
  uint64_t total = 0;
  for (const auto& [rip, count] : by_rip) {
    const loader::ElfSymbol* s = symbols.find(rip);
    by_function[s ? s->name : "?"] += count;
    total += count;
  }
  std::vector<std::pair<std::string, double>> shares;
  for (const auto& [name, count] : by_function)
    shares.emplace_back(name, static_cast<double>(count) / static_cast<double>(total));
  std::sort(shares.begin(), shares.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (shares.size() > top) shares.resize(top);
  return shares;
}

ExitAttribution attribute_exits(const AttributionInput& in) {
  ExitAttribution a;
  if (in.calls == 0) return a;
  Columns c(in.calls);
  c.measured(kDevice, in.device_per_call * static_cast<double>(in.calls), "VMM counters");
  bool traced = in.trace != nullptr;
  Traced t = traced ? count_traced(in) : Traced{};
  if (traced && t.exits > 0) {
    a.method = "kvm_exit reasons";
    from_exit_reasons(t, c);
  } else {
    c.measured(kInterrupts, interrupt_exits(in.kvm), "KVM stats (halt, irq, irq/nmi window exits)");
    if (traced) {
      a.method = stat(in.kvm, "exits") > 0 && in.trace->enabled.contains(KvmEvent::kExit)
                     ? "other tracepoints (kvm_exit silent)"
                     : "other tracepoints (no kvm_exit)";
      from_other_tracepoints(in, t, c);
    } else {
      a.method = "counters only";
      for (const char* column : {kMsrCr, kPageFaults, kEntries, kBatches}) c.absent(column, "tracefs", "not traced");
    }
  }
  a.causes = c.take();
  if (traced && t.batches.instructions > 0) {
    a.emulated_insns_per_call = static_cast<double>(t.batches.instructions) / static_cast<double>(in.calls);
    if (in.symbols && in.symbols->size() > 0) a.functions = top_functions(t.batches.by_rip, *in.symbols, 3);
  }
  finish(in, a);
  return a;
}

}  // namespace vmm::bench
