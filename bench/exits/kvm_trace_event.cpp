#include "bench/exits/kvm_trace_event.h"

#include <charconv>

namespace vmm::bench {

namespace {

uint64_t parse_number(std::string_view s, int base) {
  if (base == 16 && s.substr(0, 2) == "0x") s.remove_prefix(2);
  uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v, base);
  return v;
}

// "1234.567890" (seconds, microseconds or finer) into nanoseconds.
uint64_t parse_timestamp_ns(std::string_view s) {
  size_t dot = s.find('.');
  uint64_t seconds = parse_number(s.substr(0, dot), 10);
  if (dot == std::string_view::npos) return seconds * 1'000'000'000ull;
  std::string_view fraction = s.substr(dot + 1);
  uint64_t ns = 0;
  for (size_t i = 0; i < 9; ++i) ns = ns * 10 + (i < fraction.size() ? static_cast<uint64_t>(fraction[i] - '0') : 0);
  return seconds * 1'000'000'000ull + ns;
}

// The word after `key` in `body` ("" when absent), e.g. word(b, "gpa ").
std::string_view word(std::string_view body, std::string_view key) {
  size_t at = body.find(key);
  if (at == std::string_view::npos) return {};
  std::string_view rest = body.substr(at + key.size());
  return rest.substr(0, rest.find(' '));
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool parse_exit(std::string_view body, KvmTraceEvent& e) {
  constexpr std::string_view kReason = " reason ", kRip = " rip ";
  size_t reason = body.find(kReason), rip = body.find(kRip);
  if (!starts_with(body, "vcpu ") || reason == std::string_view::npos || rip == std::string_view::npos || rip < reason)
    return false;
  e.text = std::string(body.substr(reason + kReason.size(), rip - reason - kReason.size()));
  e.rip = parse_number(word(body, kRip), 16);
  return true;
}

// "0:ffffffff80116848:31 c9 (prot64)[ failed]"
bool parse_emulate_insn(std::string_view body, KvmTraceEvent& e) {
  size_t first = body.find(':');
  size_t second = first == std::string_view::npos ? first : body.find(':', first + 1);
  size_t mode = body.find(" (");
  if (second == std::string_view::npos || mode == std::string_view::npos || mode < second) return false;
  e.rip = parse_number(body.substr(first + 1, second - first - 1), 16);
  std::string_view bytes = body.substr(second + 1, mode - second - 1);
  while (!bytes.empty() && e.insn_len < e.insn.size()) {
    e.insn[e.insn_len++] = static_cast<uint8_t>(parse_number(bytes.substr(0, 2), 16));
    bytes.remove_prefix(bytes.size() >= 3 ? 3 : bytes.size());
  }
  e.failed = body.substr(mode).find(") failed") != std::string_view::npos;
  return e.insn_len > 0;
}

bool parse_pio(std::string_view body, KvmTraceEvent& e) {
  if (!starts_with(body, "pio_")) return false;
  e.write = starts_with(body, "pio_write");
  e.address = parse_number(word(body, " at "), 16);
  return true;
}

bool parse_mmio(std::string_view body, KvmTraceEvent& e) {
  if (!starts_with(body, "mmio ")) return false;
  e.text = std::string(word(body, "mmio "));
  e.write = e.text == "write";
  e.address = parse_number(word(body, " gpa "), 16);
  return true;
}

// "msr_write 6e0 = 0x..." and "cr_write 0 = 0x...".
bool parse_register(std::string_view body, std::string_view prefix, KvmTraceEvent& e) {
  if (!starts_with(body, prefix)) return false;
  e.write = starts_with(body.substr(prefix.size()), "write");
  e.address = parse_number(word(body, " "), 16);
  return true;
}

bool parse_page_fault(std::string_view body, KvmTraceEvent& e) {
  std::string_view address = word(body, "address ");
  if (address.empty()) return false;
  e.address = parse_number(address, 16);
  e.rip = parse_number(word(body, " rip "), 16);
  return true;
}

bool parse_inj_virq(std::string_view body, KvmTraceEvent& e) {
  if (starts_with(body, "irq ")) e.address = parse_number(word(body, "irq "), 10);
  else if (starts_with(body, "IRQ ")) e.address = parse_number(word(body, "IRQ "), 16);
  else if (starts_with(body, "Soft/INTn ")) e.address = parse_number(word(body, "Soft/INTn "), 16);
  else return false;
  return true;
}

bool parse_userspace_exit(std::string_view body, KvmTraceEvent& e) {
  if (!starts_with(body, "reason ")) return false;
  e.text = std::string(word(body, "reason "));
  return true;
}

bool parse_body(std::string_view body, KvmTraceEvent& e) {
  switch (e.kind) {
    case KvmEvent::kExit: return parse_exit(body, e);
    case KvmEvent::kEmulateInsn: return parse_emulate_insn(body, e);
    case KvmEvent::kPio: return parse_pio(body, e);
    case KvmEvent::kMmio: return parse_mmio(body, e);
    case KvmEvent::kMsr: return parse_register(body, "msr_", e);
    case KvmEvent::kCr: return parse_register(body, "cr_", e);
    case KvmEvent::kPageFault: return parse_page_fault(body, e);
    case KvmEvent::kInjVirq: return parse_inj_virq(body, e);
    case KvmEvent::kUserspaceExit: return parse_userspace_exit(body, e);
  }
  return false;
}

// "<task>-<pid> [cpu] flags <timestamp>": the pid and the timestamp.
bool parse_head(std::string_view head, KvmTraceEvent& e) {
  size_t space = head.find_last_of(' ');
  if (space == std::string_view::npos) return false;
  e.time_ns = parse_timestamp_ns(head.substr(space + 1));
  size_t cpu = head.find(" [");
  if (cpu == std::string_view::npos) return false;
  std::string_view task = head.substr(0, cpu);
  size_t dash = task.find_last_of('-');
  if (dash == std::string_view::npos) return false;
  e.tid = static_cast<uint32_t>(parse_number(task.substr(dash + 1), 10));
  return true;
}

}  // namespace

const char* kvm_event_name(KvmEvent event) {
  switch (event) {
    case KvmEvent::kExit: return "kvm_exit";
    case KvmEvent::kEmulateInsn: return "kvm_emulate_insn";
    case KvmEvent::kPio: return "kvm_pio";
    case KvmEvent::kMmio: return "kvm_mmio";
    case KvmEvent::kMsr: return "kvm_msr";
    case KvmEvent::kCr: return "kvm_cr";
    case KvmEvent::kPageFault: return "kvm_page_fault";
    case KvmEvent::kInjVirq: return "kvm_inj_virq";
    case KvmEvent::kUserspaceExit: return "kvm_userspace_exit";
  }
  return "?";
}

std::optional<KvmTraceEvent> parse_kvm_trace_line(std::string_view line) {
  if (line.empty() || line.front() == '#') return std::nullopt;
  size_t at = line.find(": kvm_");
  if (at == std::string_view::npos) return std::nullopt;
  size_t name_end = line.find(": ", at + 2);
  if (name_end == std::string_view::npos) return std::nullopt;
  std::string_view name = line.substr(at + 2, name_end - at - 2);
  for (KvmEvent kind : kAllKvmEvents) {
    if (name != kvm_event_name(kind)) continue;
    KvmTraceEvent e;
    e.kind = kind;
    if (!parse_head(line.substr(0, at), e) || !parse_body(line.substr(name_end + 2), e)) return std::nullopt;
    return e;
  }
  return std::nullopt;
}

}  // namespace vmm::bench
