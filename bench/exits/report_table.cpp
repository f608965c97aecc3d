#include "bench/exits/report_table.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "bench/exits/host_flavour.h"
#include "bench/exits/report_order.h"

namespace vmm::bench {

namespace {

constexpr size_t kLineWidth = 120;
constexpr size_t kIndent = 2;
constexpr size_t kGap = 2;

// Rows of cells; the first key_columns are labels (left-aligned, repeated
// when the table wraps), the rest are numbers (right-aligned).
struct TextTable {
  size_t key_columns = 1;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

std::string fixed2(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", value);
  return buf;
}

std::string fixed2(const std::optional<double>& value) {
  return value ? fixed2(*value) : "n/a";
}

// Columns a terminal gives the text: UTF-8 continuation bytes take none
// ("µs" is three bytes, two columns).
size_t display_width(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  }));
}

std::string padded(const std::string& text, size_t width, bool left_aligned) {
  std::string fill(width - std::min(width, display_width(text)), ' ');
  return left_aligned ? text + fill : fill + text;
}

std::vector<size_t> column_widths(const TextTable& table) {
  std::vector<size_t> widths;
  for (const auto& cell : table.header) widths.push_back(display_width(cell));
  for (const auto& row : table.rows)
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], display_width(row[i]));
  return widths;
}

// [begin, end) ranges of value columns that fit on one line beside the key
// columns; each range holds at least one column however wide it is.
std::vector<std::pair<size_t, size_t>> value_chunks(const std::vector<size_t>& widths,
                                                    size_t key_columns) {
  size_t key_width = kIndent;
  for (size_t i = 0; i < key_columns; ++i) key_width += widths[i] + kGap;
  std::vector<std::pair<size_t, size_t>> chunks;
  size_t begin = key_columns, used = key_width;
  for (size_t i = key_columns; i < widths.size(); ++i) {
    if (i > begin && used + widths[i] > kLineWidth) {
      chunks.emplace_back(begin, i);
      begin = i;
      used = key_width;
    }
    used += widths[i] + kGap;
  }
  chunks.emplace_back(begin, widths.size());
  return chunks;
}

void print_line(const std::vector<std::string>& cells, const std::vector<size_t>& widths,
                size_t key_columns, std::pair<size_t, size_t> chunk, std::ostream& out) {
  std::string line(kIndent, ' ');
  auto add = [&](size_t i, bool left) {
    line += padded(i < cells.size() ? cells[i] : "", widths[i], left) + std::string(kGap, ' ');
  };
  for (size_t i = 0; i < key_columns; ++i) add(i, true);
  for (size_t i = chunk.first; i < chunk.second; ++i) add(i, false);
  line.erase(line.find_last_not_of(' ') + 1);
  out << line << "\n";
}

void print_table(const TextTable& table, std::ostream& out) {
  std::vector<size_t> widths = column_widths(table);
  auto chunks = value_chunks(widths, table.key_columns);
  for (size_t c = 0; c < chunks.size(); ++c) {
    if (c > 0) out << "\n";
    print_line(table.header, widths, table.key_columns, chunks[c], out);
    for (const auto& row : table.rows) print_line(row, widths, table.key_columns, chunks[c], out);
  }
}

void print_all_vcpus(const ExitsReport& report, std::ostream& out) {
  out << "VMM exits per call, all vCPUs\n";
  TextTable table{1, {"call"}, {}};
  auto paths = path_order(report);
  table.header.insert(table.header.end(), paths.begin(), paths.end());
  for (const auto& call : call_order(report)) {
    std::vector<std::string> row{call};
    for (const auto& path : paths) {
      const CallResult* result = find_result(report, call, path);
      row.push_back(result ? fixed2(result->vmm_exits_all) : "-");
    }
    table.rows.push_back(std::move(row));
  }
  print_table(table, out);
}

void print_details(const ExitsReport& report, std::ostream& out) {
  out << "\nPer call and path: VMM exits on the calling vCPU, KVM's own exit count (it also "
         "counts exits\nhandled in the kernel), KVM net (the same less the marks' own exits, priced by "
         "the\n(marks only) phase), the idle background per second, the mean latency\n";
  TextTable table{2,
                  {"call", "path", "VMM caller", "KVM all", "KVM net", "KVM caller", "idle VMM/s",
                   "idle KVM/s", "latency µs"},
                  {}};
  for (const auto& r : report.results)
    table.rows.push_back({r.call, r.path, fixed2(r.vmm_exits_caller), fixed2(r.kvm_exits_all),
                          fixed2(r.kvm_exits_net), fixed2(r.kvm_exits_caller), fixed2(r.idle_vmm_exits_per_s),
                          fixed2(r.idle_kvm_exits_per_s), fixed2(r.mean_latency_us)});
  print_table(table, out);
}

std::optional<double> rate_of(const CallResult& result, const std::string& kind) {
  for (const auto& [name, rate] : result.by_kind)
    if (name == kind) return rate;
  return std::nullopt;
}

void print_kinds(const ExitsReport& report, const std::string& path, std::ostream& out) {
  std::vector<const CallResult*> results;
  for (const auto& r : report.results)
    if (r.path == path) results.push_back(&r);
  auto kinds = kind_union(results);
  if (kinds.empty()) return;
  out << "\nVMM exits per call by kind, all vCPUs: " << path << "\n";
  TextTable table{1, {"call"}, {}};
  table.header.insert(table.header.end(), kinds.begin(), kinds.end());
  for (const CallResult* r : results) {
    std::vector<std::string> row{r->call};
    for (const auto& kind : kinds) row.push_back(fixed2(rate_of(*r, kind)));
    table.rows.push_back(std::move(row));
  }
  print_table(table, out);
}

void print_cross_check(const ExitsReport& report, std::ostream& out) {
  auto has = [&](auto field) {
    return std::any_of(report.results.begin(), report.results.end(),
                       [&](const CallResult& r) { return (r.*field).has_value(); });
  };
  bool subtraction = has(&CallResult::subtraction_vmm_exits);
  bool qemu = has(&CallResult::qemu_exits);
  if (!subtraction && !qemu) return;
  out << "\nCross-check by the subtraction method, (exits(N) - exits(0)) / N from two whole runs\n";
  TextTable table{2, {"call", "path", "VMM marks"}, {}};
  if (subtraction) table.header.push_back("VMM subtraction");
  if (qemu) table.header.push_back("QEMU microvm");
  for (const auto& r : report.results) {
    std::vector<std::string> row{r.call, r.path, fixed2(r.vmm_exits_all)};
    if (subtraction) row.push_back(fixed2(r.subtraction_vmm_exits));
    if (qemu) row.push_back(fixed2(r.qemu_exits));
    if (subtraction) row.push_back(r.agreement);
    table.rows.push_back(std::move(row));
  }
  if (subtraction) table.header.push_back("methods (0.05 + 5%)");
  print_table(table, out);
}

// A cause's cell: the figure, or why there is none ("n/a (silent)").
std::string cause_cell(const CauseFigure& f) {
  if (f.per_call) return fixed2(*f.per_call);
  return f.note.rfind("silent", 0) == 0 ? "n/a (silent)" : "n/a";
}

// KVM's exits per call split by cause, then each column's source once.
void print_attribution(const ExitsReport& report, std::ostream& out) {
  const CallResult* first = nullptr;
  for (const auto& r : report.results)
    if (r.attribution && !r.attribution->causes.empty() && !first) first = &r;
  if (!first) return;
  out << "\nKVM exits per call by cause (" << first->attribution->method << ")\n";
  TextTable table{2, {"call", "path", "KVM"}, {}};
  for (const auto& f : first->attribution->causes) table.header.push_back(f.cause);
  for (const char* h : {"unattributed", "attributed %", "emulated insns", "guest functions"}) table.header.push_back(h);
  for (const auto& r : report.results) {
    if (!r.attribution || r.attribution->causes.empty()) continue;
    const ExitAttribution& a = *r.attribution;
    std::vector<std::string> row{r.call, r.path, fixed2(r.kvm_exits_all)};
    for (const auto& f : a.causes) row.push_back(cause_cell(f));
    row.push_back(fixed2(a.unattributed));
    row.push_back(a.attributed_percent ? fixed2(*a.attributed_percent) : "n/a");
    row.push_back(a.emulated_insns_per_call ? fixed2(*a.emulated_insns_per_call) : "n/a");
    std::string functions;
    for (const auto& [name, share] : a.functions)
      functions += (functions.empty() ? "" : ", ") + fixed2(share * 100).substr(0, fixed2(share * 100).find('.')) + "% " + name;
    row.push_back(functions.empty() ? "-" : functions);
    table.rows.push_back(std::move(row));
  }
  print_table(table, out);
  for (const auto& f : first->attribution->causes)
    out << "  " << f.cause << ": " << f.source << (f.note.empty() ? "" : " -- " + f.note) << "\n";
}

// The tracepoint's hardware exit reasons, a row a call and path: the
// traced total beside KVM's own count, then the most frequent reasons.
void print_hardware_reasons(const ExitsReport& report, std::ostream& out) {
  bool traced = std::any_of(report.results.begin(), report.results.end(),
                            [](const CallResult& r) { return r.traced_exits.has_value(); });
  if (!traced) return;
  out << "\nHardware exit reasons per call (kvm:kvm_exit tracepoint, same intervals), beside KVM's count\n";
  TextTable table{2, {"call", "path", "traced", "KVM all", "most frequent reasons"}, {}};
  for (const auto& r : report.results) {
    std::string reasons;
    for (size_t i = 0; i < r.hw_exit_reasons.size() && i < 4; ++i)
      reasons += (i ? ", " : "") + r.hw_exit_reasons[i].first + " " + fixed2(r.hw_exit_reasons[i].second);
    table.rows.push_back({r.call, r.path, fixed2(r.traced_exits), fixed2(r.kvm_exits_all), reasons});
  }
  print_table(table, out);
}

// Why QEMU has no figures, each distinct reason once rather than per row.
void print_qemu_notes(const ExitsReport& report, std::ostream& out) {
  std::vector<std::string> notes;
  for (const auto& r : report.results)
    if (!r.qemu_exits && !r.qemu_note.empty() &&
        std::find(notes.begin(), notes.end(), r.qemu_note) == notes.end())
      notes.push_back(r.qemu_note);
  if (!notes.empty()) out << "\n";
  for (const auto& note : notes) out << "QEMU not measured: " << note << "\n";
}

}  // namespace

void print_exits_table(const ExitsReport& report, std::ostream& out) {
  out << "exits: VM exits per guest network call, " << report.iterations << " iterations, smp "
      << report.smp << "\n";
  out << "host: " << describe_host(report.host) << "\n\n";
  if (report.results.empty()) {
    out << "no results\n";
  } else {
    print_all_vcpus(report, out);
    print_details(report, out);
    for (const auto& path : path_order(report)) print_kinds(report, path, out);
    print_hardware_reasons(report, out);
    print_attribution(report, out);
    print_cross_check(report, out);
    print_qemu_notes(report, out);
  }
  if (!report.notes.empty()) out << "\n";
  for (const auto& note : report.notes) out << "note: " << note << "\n";
}

}  // namespace vmm::bench
