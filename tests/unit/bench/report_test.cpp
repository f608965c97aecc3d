// The outputs of `vmm-bench exits`: what a person reads (table), what a
// program reads back (JSON, CSV) and what a browser draws (SVG).
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
// GCC 12 under -fsanitize=address (the asan preset) warns, wrongly, that
// <regex>'s internal std::function moves read uninitialized memory; the
// warning fires after inlining, so only a file-wide switch silences it.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "bench/exits/report_files.h"
#include "bench/exits/report_svg.h"
#include "bench/exits/report_table.h"

namespace vmm::bench {
namespace {

CallResult result(const std::string& call, const std::string& path, double all) {
  CallResult r;
  r.call = call;
  r.path = path;
  r.calls = 1000;
  r.vmm_exits_all = all;
  r.vmm_exits_caller = all / 2;
  r.by_kind = {{"pio:uart", 0.0}, {"mmio:virtio-net0", all}, {"halt", 0.25}};
  r.idle_vmm_exits_per_s = 12.5;
  r.mean_latency_us = 3.125;
  r.qemu_note = "qemu-system-x86_64 not found";
  return r;
}

// Two calls on two paths; KVM's counters only on the virtio path.
ExitsReport sample() {
  ExitsReport report;
  report.iterations = 1000;
  report.smp = 2;
  report.paths = {"virtio", "shmem"};
  for (const char* call : {"socket", "send udp 64B"}) {
    CallResult virtio = result(call, "virtio", 2.0);
    virtio.kvm_exits_all = 3.5;
    virtio.kvm_exits_caller = 1.75;
    virtio.idle_kvm_exits_per_s = 40;
    report.results.push_back(virtio);
    CallResult shmem = result(call, "shmem", 1.0);
    shmem.by_kind = {{"pio:uart", 0.0}, {"halt", 1.0}};
    report.results.push_back(shmem);
  }
  report.notes = {"the idle rate is the guest's timer"};
  return report;
}

std::string table_of(const ExitsReport& report) {
  std::ostringstream out;
  print_exits_table(report, out);
  return out.str();
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(ExitsTable, ShowsEveryCallPathAndFigureWithTwoDecimals) {
  std::string table = table_of(sample());
  for (const char* word : {"socket", "send udp 64B", "virtio", "shmem", "1000 iterations",
                           "smp 2", "2.00", "1.00", "3.50", "1.75", "12.50", "40.00", "3.12"})
    EXPECT_NE(table.find(word), std::string::npos) << word;
  // The all-vCPU block: call rows, one column per path in report.paths order.
  std::regex row(R"(\n  socket +2\.00 +1\.00\n)");
  EXPECT_TRUE(std::regex_search(table, row)) << table;
}

TEST(ExitsTable, AbsentKvmCountsReadNotAvailable) {
  std::string table = table_of(sample());
  std::regex shmem_row(R"(\n  socket +shmem +0\.50 +n/a +n/a +12\.50 +n/a +3\.12\n)");
  EXPECT_TRUE(std::regex_search(table, shmem_row)) << table;
}

TEST(ExitsTable, KindBlockPerPathListsOnlyThatPathsKinds) {
  std::string table = table_of(sample());
  size_t virtio = table.find("by kind, all vCPUs: virtio");
  size_t shmem = table.find("by kind, all vCPUs: shmem");
  ASSERT_NE(virtio, std::string::npos);
  ASSERT_NE(shmem, std::string::npos);
  std::string shmem_block = table.substr(shmem, table.find("\n\n", shmem) - shmem);
  EXPECT_EQ(shmem_block.find("mmio:virtio-net0"), std::string::npos) << shmem_block;
  EXPECT_NE(shmem_block.find("halt"), std::string::npos);
  std::string virtio_block = table.substr(virtio, shmem - virtio);
  EXPECT_NE(virtio_block.find("mmio:virtio-net0"), std::string::npos);
}

TEST(ExitsTable, QemuNoteOnceAndNotesLast) {
  std::string table = table_of(sample());
  EXPECT_EQ(count(table, "qemu-system-x86_64 not found"), 1u) << table;
  EXPECT_EQ(table.find("Cross-check"), std::string::npos);
  auto lines = lines_of(table);
  EXPECT_EQ(lines.back(), "note: the idle rate is the guest's timer");
}

TEST(ExitsTable, SubtractionAndQemuColumnsWhenMeasured) {
  ExitsReport report = sample();
  report.results[0].subtraction_vmm_exits = 2.25;
  report.results[0].qemu_exits = 4.5;
  std::string table = table_of(report);
  EXPECT_NE(table.find("VMM subtraction"), std::string::npos);
  EXPECT_NE(table.find("QEMU microvm"), std::string::npos);
  std::regex row(R"(\n  socket +virtio +2\.00 +2\.25 +4\.50\n)");
  EXPECT_TRUE(std::regex_search(table, row)) << table;
}

TEST(ExitsTable, WideTablesWrapWithinAbout120Columns) {
  ExitsReport report = sample();
  for (int i = 0; i < 12; ++i) {
    report.paths.push_back("a-long-path-name-" + std::to_string(i));
    report.results.push_back(result("socket", report.paths.back(), 1));
  }
  auto takes_a_column = [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; };
  for (const auto& line : lines_of(table_of(report))) {
    if (line.starts_with("note: ")) continue;  // free text from the caller
    size_t columns = std::count_if(line.begin(), line.end(), takes_a_column);
    EXPECT_LE(columns, 120u) << line;
  }
}

TEST(ExitsJson, RoundTripsWithNullForAbsentFigures) {
  auto doc = nlohmann::json::parse(exits_to_json(sample()));
  EXPECT_EQ(doc["benchmark"], "exits");
  EXPECT_EQ(doc["iterations"], 1000);
  EXPECT_EQ(doc["smp"], 2);
  EXPECT_EQ(doc["paths"], nlohmann::json({"virtio", "shmem"}));
  ASSERT_EQ(doc["results"].size(), 4u);
  const auto& virtio = doc["results"][0];
  EXPECT_EQ(virtio["call"], "socket");
  EXPECT_EQ(virtio["path"], "virtio");
  EXPECT_EQ(virtio["calls"], 1000);
  EXPECT_EQ(virtio["vmm_exits_all"], 2.0);
  EXPECT_EQ(virtio["vmm_exits_caller"], 1.0);
  EXPECT_EQ(virtio["kvm_exits_all"], 3.5);
  EXPECT_EQ(virtio["kvm_exits_caller"], 1.75);
  EXPECT_EQ(virtio["by_kind"]["mmio:virtio-net0"], 2.0);
  EXPECT_EQ(virtio["idle_vmm_exits_per_s"], 12.5);
  EXPECT_EQ(virtio["idle_kvm_exits_per_s"], 40.0);
  EXPECT_EQ(virtio["mean_latency_us"], 3.125);
  EXPECT_TRUE(virtio["subtraction_vmm_exits"].is_null());
  EXPECT_TRUE(virtio["qemu_exits"].is_null());
  EXPECT_EQ(virtio["qemu_note"], "qemu-system-x86_64 not found");
  const auto& shmem = doc["results"][1];
  for (const char* key : {"kvm_exits_all", "kvm_exits_caller", "idle_kvm_exits_per_s"})
    EXPECT_TRUE(shmem.contains(key) && shmem[key].is_null()) << key;
  EXPECT_EQ(doc["notes"][0], "the idle rate is the guest's timer");
}

TEST(ExitsJson, KindsKeepTheirFixedOrder) {
  auto doc = nlohmann::ordered_json::parse(exits_to_json(sample()));
  std::vector<std::string> kinds;
  for (const auto& [kind, rate] : doc["results"][0]["by_kind"].items()) kinds.push_back(kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"pio:uart", "mmio:virtio-net0", "halt"}));
}

// RFC 4180 fields of one record (no line breaks inside fields here).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

TEST(ExitsCsv, HeaderThenOneLinePerResultWithKindColumns) {
  auto lines = lines_of(exits_to_csv(sample()));
  ASSERT_EQ(lines.size(), 5u);
  auto header = csv_fields(lines[0]);
  EXPECT_EQ(header[0], "call");
  EXPECT_EQ(header[12], "qemu_note");
  EXPECT_EQ(std::vector<std::string>(header.begin() + 13, header.end()),
            (std::vector<std::string>{"kind:pio:uart", "kind:mmio:virtio-net0", "kind:halt", "host_kvm",
                                      "host_nested", "host_kernel", "host_cpu", "agreement",
                                      "attributed_percent", "unattributed", "emulated_insns_per_call"}));
  for (const auto& line : lines) EXPECT_EQ(csv_fields(line).size(), header.size()) << line;
  auto virtio = csv_fields(lines[1]);
  EXPECT_EQ(virtio[1], "virtio");
  EXPECT_EQ(virtio[3], "2");
  EXPECT_EQ(virtio[5], "3.5");
  EXPECT_EQ(virtio[9], "3.125");
  auto shmem = csv_fields(lines[2]);
  EXPECT_EQ(shmem[5], "");   // kvm_exits_all absent
  EXPECT_EQ(shmem[10], "");  // subtraction not measured
  EXPECT_EQ(shmem[14], "");  // shmem has no mmio:virtio-net0 kind
  EXPECT_EQ(shmem[15], "1");
}

TEST(ExitsCsv, QuotesCommasAndQuotes) {
  ExitsReport report = sample();
  report.results[0].call = "send \"big\", 1500B";
  report.results[0].qemu_note = "no, \"qemu\"";
  auto lines = lines_of(exits_to_csv(report));
  EXPECT_TRUE(lines[1].starts_with("\"send \"\"big\"\", 1500B\",virtio,")) << lines[1];
  auto fields = csv_fields(lines[1]);
  EXPECT_EQ(fields[0], "send \"big\", 1500B");
  EXPECT_EQ(fields[12], "no, \"qemu\"");
  EXPECT_EQ(fields.size(), csv_fields(lines[0]).size());
}

// Checks that every tag closes in order and text holds no raw '<' or bare
// '&': enough XML to be sure a browser parses the chart.
::testing::AssertionResult well_formed(const std::string& svg) {
  std::vector<std::string> open;
  size_t i = 0;
  while (i < svg.size()) {
    if (svg[i] == '&') {
      size_t semi = svg.find(';', i);
      std::string entity = svg.substr(i, semi == std::string::npos ? 1 : semi - i + 1);
      if (!std::regex_match(entity, std::regex("&(amp|lt|gt|quot|apos);")))
        return ::testing::AssertionFailure() << "bare & at " << i;
    }
    if (svg[i] != '<') {
      ++i;
      continue;
    }
    size_t end = svg.find('>', i);
    if (end == std::string::npos) return ::testing::AssertionFailure() << "unclosed tag at " << i;
    std::string tag = svg.substr(i + 1, end - i - 1);
    if (tag.find('<') != std::string::npos)
      return ::testing::AssertionFailure() << "'<' inside tag at " << i;
    std::string name = tag.substr(tag[0] == '/', tag.find_first_of(" />", 1) - (tag[0] == '/'));
    if (tag[0] == '/') {
      if (open.empty() || open.back() != name)
        return ::testing::AssertionFailure() << "</" << name << "> closes nothing at " << i;
      open.pop_back();
    } else if (tag.back() != '/') {
      open.push_back(name);
    }
    i = end + 1;
  }
  if (!open.empty()) return ::testing::AssertionFailure() << "<" << open.back() << "> never closed";
  return ::testing::AssertionSuccess();
}

std::vector<double> bar_widths(const std::string& svg) {
  std::vector<double> widths;
  std::regex bar(R"re(<rect class="bar"[^>]* width="([0-9.]+)")re");
  for (std::sregex_iterator it(svg.begin(), svg.end(), bar), end; it != end; ++it)
    widths.push_back(std::stod((*it)[1]));
  return widths;
}

TEST(ExitsSvg, WellFormedSelfContainedChartWithOneBarPerResult) {
  std::string svg = exits_svg_chart(sample());
  EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_TRUE(well_formed(svg));
  EXPECT_EQ(count(svg, "<rect class=\"bar\""), 4u);
  EXPECT_EQ(count(svg, "<text"), count(svg, "</text>"));
  EXPECT_NE(svg.find("VM exits per call (all vCPUs), 1000 iterations"), std::string::npos);
  for (const char* label : {">socket<", ">send udp 64B<", ">virtio<", ">shmem<"})
    EXPECT_NE(svg.find(label), std::string::npos) << label;
  for (const char* external : {"<script", "<style", "href", "@import", "url("})
    EXPECT_EQ(svg.find(external), std::string::npos) << external;
}

TEST(ExitsSvg, BarLengthIsProportionalToExitsPerCall) {
  auto widths = bar_widths(exits_svg_chart(sample()));
  ASSERT_EQ(widths.size(), 4u);
  ASSERT_GT(widths[1], 0);
  EXPECT_NEAR(widths[0] / widths[1], 2.0, 1e-3);  // socket: virtio 2.0, shmem 1.0
  EXPECT_DOUBLE_EQ(widths[0], widths[2]);
}

TEST(ExitsSvg, ZeroBarsStillReadZeroOnAnAxisToOne) {
  ExitsReport report = sample();
  for (auto& r : report.results) r.vmm_exits_all = 0;
  std::string svg = exits_svg_chart(report);
  EXPECT_TRUE(well_formed(svg));
  EXPECT_EQ(count(svg, ">0.00</text>"), 4u);
  EXPECT_NE(svg.find(">1</text>"), std::string::npos);  // the last tick
  for (double width : bar_widths(svg)) EXPECT_EQ(width, 0);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
}

TEST(ExitsSvg, EscapesLabels) {
  ExitsReport report = sample();
  report.results[0].call = "a&b <c>";
  report.results[1].call = "a&b <c>";
  report.paths[0] = "vi\"rt'io";
  for (auto& r : report.results)
    if (r.path == "virtio") r.path = "vi\"rt'io";
  std::string svg = exits_svg_chart(report);
  EXPECT_TRUE(well_formed(svg));
  EXPECT_NE(svg.find(">a&amp;b &lt;c&gt;<"), std::string::npos);
  EXPECT_EQ(svg.find("a&b"), std::string::npos);
  EXPECT_NE(svg.find(">vi&quot;rt&apos;io<"), std::string::npos);
}

TEST(ExitsSvg, HeightGrowsWithCalls) {
  auto height = [](const ExitsReport& report) {
    std::smatch m;
    std::string svg = exits_svg_chart(report);
    EXPECT_TRUE(std::regex_search(svg, m, std::regex(R"re(height="([0-9]+)")re")));
    return std::stod(m[1]);
  };
  ExitsReport more = sample();
  more.results.push_back(result("recv udp 64B", "virtio", 1));
  EXPECT_GT(height(more), height(sample()));
}

}  // namespace
}  // namespace vmm::bench
