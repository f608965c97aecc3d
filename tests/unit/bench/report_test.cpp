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
  std::regex shmem_row(R"(\n  socket +shmem +0\.50 +n/a +n/a +n/a +12\.50 +n/a +3\.12\n)");  // KVM all, net, caller
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
                                      "attributed_percent", "unattributed", "emulated_insns_per_call",
                                      "kvm_exits_net"}));
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
// One bar of the chart as drawn: its <g class="bar"> attributes and segments.
struct DrawnSegment {
  std::string cls, cause, fill;
  double per_call = 0, width = 0;
};
struct DrawnBar {
  std::string call, path, total, label;
  std::vector<DrawnSegment> segments;
};

// XML's five entities back to their characters, as a parser would.
std::string unescaped(std::string text) {
  for (auto [entity, c] : {std::pair{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}})
    for (size_t at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1))
      text.replace(at, std::string(entity).size(), c);
  return text;
}

std::vector<DrawnBar> drawn_bars(const std::string& svg) {
  std::vector<DrawnBar> bars;
  std::regex bar_re(R"re(<g class="bar" data-call="([^"]*)" data-path="([^"]*)" data-total="([^"]*)">([^]*?)</g>)re");
  std::regex segment_re(
      R"re(<rect class="(segment[^"]*)" x="[0-9.]+" y="[0-9.]+" width="([0-9.]+)" height="[0-9.]+" )re"
      R"re(fill="([^"]*)" data-cause="([^"]*)" data-per-call="([^"]*)")re");
  std::regex label_re(R"re(<text [^>]*>([^<]*)</text>\n$)re");
  for (std::sregex_iterator it(svg.begin(), svg.end(), bar_re), end; it != end; ++it) {
    DrawnBar bar{unescaped((*it)[1]), unescaped((*it)[2]), (*it)[3], "", {}};
    std::string body = (*it)[4];
    for (std::sregex_iterator s(body.begin(), body.end(), segment_re); s != end; ++s)
      bar.segments.push_back({(*s)[1], unescaped((*s)[4]), (*s)[3], std::stod((*s)[5]), std::stod((*s)[2])});
    std::smatch label;
    if (std::regex_search(body, label, label_re)) bar.label = unescaped(label[1]);
    bars.push_back(std::move(bar));
  }
  return bars;
}

double drawn_sum(const std::vector<DrawnSegment>& segments, double DrawnSegment::*field) {
  double sum = 0;
  for (const auto& s : segments) sum += s.*field;
  return sum;
}

CauseFigure measured_cause(const char* cause, double per_call) {
  return {cause, per_call, "source of " + std::string(cause), ""};
}

// sample() with KVM's count on every path and an attribution on each
// result: socket's virtio bar has every cause measured but leaves a rest,
// its shmem bar a page-fault column whose tracepoint was silent.
ExitsReport attributed_sample() {
  ExitsReport report = sample();
  for (auto& r : report.results) {
    r.kvm_exits_all = r.path == "virtio" ? 3.5 : 6.25;
    ExitAttribution a;
    a.method = "other tracepoints (kvm_exit silent)";
    a.causes = {measured_cause("device", r.path == "virtio" ? 1.0 : 0.0), measured_cause("interrupts+timers", 0.25),
                measured_cause("page faults", 0.0), measured_cause("user->kernel", 1.0),
                measured_cause("emulation batches", r.path == "virtio" ? 1.0 : 4.0)};
    r.attribution = a;
  }
  CauseFigure& silent = report.results[1].attribution->causes[2];
  silent.per_call.reset();
  silent.note = "silent: kvm_page_fault fired 0 times while KVM's pf_taken rose by 12";
  return report;
}

TEST(ExitsSvg, WellFormedSelfContainedChartWithOneBarPerResult) {
  std::string svg = exits_svg_chart(sample());
  EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_TRUE(well_formed(svg));
  EXPECT_EQ(count(svg, "<g class=\"bar\""), 4u);
  EXPECT_EQ(count(svg, "<text"), count(svg, "</text>"));
  EXPECT_NE(svg.find("KVM exits per call by cause, per path: 1000 iterations, smp 2"), std::string::npos);
  EXPECT_NE(svg.find(">KVM exits per call (all vCPUs)<"), std::string::npos);  // the axis title
  for (const char* label : {">socket<", ">send udp 64B<", ">virtio<", ">shmem<"})
    EXPECT_NE(svg.find(label), std::string::npos) << label;
  for (const char* external : {"<script", "<style", "href", "@import"})
    EXPECT_EQ(svg.find(external), std::string::npos) << external;
  EXPECT_FALSE(std::regex_search(svg, std::regex(R"(url\((?!#))"))) << "a url() that is not a fragment of the file";
}

TEST(ExitsSvg, SegmentsSumToKvmsCountPerCallAndPath) {
  auto bars = drawn_bars(exits_svg_chart(attributed_sample()));
  ASSERT_EQ(bars.size(), 4u);
  double pixels_per_exit = 0;
  for (const auto& bar : bars) {
    SCOPED_TRACE(bar.call + " on " + bar.path);
    double total = std::stod(bar.total);
    EXPECT_EQ(total, bar.path == "virtio" ? 3.5 : 6.25);
    EXPECT_NEAR(drawn_sum(bar.segments, &DrawnSegment::per_call), total, 1e-9);
    double width = drawn_sum(bar.segments, &DrawnSegment::width);
    if (pixels_per_exit == 0) pixels_per_exit = width / total;
    EXPECT_NEAR(width / total, pixels_per_exit, 0.01);  // one scale for every bar
    for (const auto& s : bar.segments) EXPECT_NEAR(s.width, s.per_call * pixels_per_exit, 0.02) << s.cause;
    EXPECT_TRUE(bar.label.starts_with(bar.path == "virtio" ? "3.50" : "6.25")) << bar.label;
  }
  // socket on virtio: the causes in the attribution's order, then the rest.
  std::vector<std::string> causes;
  for (const auto& s : bars[0].segments) causes.push_back(s.cause);
  EXPECT_EQ(causes, (std::vector<std::string>{"device", "interrupts+timers", "page faults", "user->kernel",
                                              "emulation batches", "unattributed"}));
  EXPECT_DOUBLE_EQ(bars[0].segments.back().per_call, 0.25);
  EXPECT_EQ(bars[0].segments.back().cls, "segment");  // a plain rest: every cause was measured
}

TEST(ExitsSvg, SilentCausesAreHatchedNotApplicableNeverZero) {
  std::string svg = exits_svg_chart(attributed_sample());
  EXPECT_TRUE(well_formed(svg));
  auto bars = drawn_bars(svg);
  const DrawnBar& shmem = bars[1];  // socket on shmem: page faults silent
  ASSERT_EQ(shmem.path, "shmem");
  for (const auto& s : shmem.segments) EXPECT_NE(s.cause, "page faults") << "drawn as if measured";
  const DrawnSegment& rest = shmem.segments.back();
  EXPECT_EQ(rest.cls, "segment unmeasured");
  EXPECT_EQ(rest.fill, "url(#unmeasured)");
  EXPECT_DOUBLE_EQ(rest.per_call, 6.25 - 5.25);
  EXPECT_EQ(shmem.label, "6.25 (n/a: page faults)");
  EXPECT_NE(svg.find("holding causes not measured: page faults (silent: kvm_page_fault fired 0 times"),
            std::string::npos);  // the hatched segment's tooltip says why
  EXPECT_NE(svg.find("<pattern id=\"unmeasured\""), std::string::npos);
  // Where page faults were measured, as 0, they are a segment of width 0.
  EXPECT_EQ(bars[0].segments[2].cause, "page faults");
  EXPECT_EQ(bars[0].segments[2].width, 0);
}

TEST(ExitsSvg, LegendNamesEveryCauseTheRestAndNotApplicable) {
  std::string svg = exits_svg_chart(attributed_sample());
  std::vector<std::string> swatches;
  std::regex swatch(R"re(<rect class="swatch"[^>]* data-cause="([^"]*)")re");
  for (std::sregex_iterator it(svg.begin(), svg.end(), swatch), end; it != end; ++it)
    swatches.push_back(unescaped((*it)[1]));
  EXPECT_EQ(swatches, (std::vector<std::string>{"device", "interrupts+timers", "page faults", "user->kernel",
                                                "emulation batches", "unattributed", "n/a"}));
  EXPECT_NE(svg.find(">n/a: causes not measured (silent or not traced), within KVM&apos;s rest<"), std::string::npos);
  // Each cause's source once, under the axis.
  EXPECT_NE(svg.find(">page faults: source of page faults; source of page faults (silent: kvm_page_fault"),
            std::string::npos);
  EXPECT_EQ(count(svg, ">device: source of device<"), 1u);
}

TEST(ExitsSvg, WithoutAttributionKvmsCountIsOneUnattributedSegment) {
  ExitsReport report = sample();  // KVM's count on virtio only, no attribution
  std::string svg = exits_svg_chart(report);
  auto bars = drawn_bars(svg);
  ASSERT_EQ(bars.size(), 4u);
  ASSERT_EQ(bars[0].segments.size(), 1u);
  EXPECT_EQ(bars[0].segments[0].cause, "unattributed");
  EXPECT_EQ(bars[0].segments[0].per_call, 3.5);
  EXPECT_EQ(bars[1].total, "n/a");  // shmem: KVM's count was not read
  EXPECT_TRUE(bars[1].segments.empty());
  EXPECT_EQ(bars[1].label, "n/a (KVM's count not read)");
  EXPECT_NE(svg.find("no attribution by cause in this run"), std::string::npos);
}

TEST(ExitsSvg, ZeroBarsStillReadZeroOnAnAxisToOne) {
  ExitsReport report = sample();
  for (auto& r : report.results) r.kvm_exits_all = 0;
  std::string svg = exits_svg_chart(report);
  EXPECT_TRUE(well_formed(svg));
  EXPECT_EQ(count(svg, ">0.00</text>"), 4u);
  EXPECT_NE(svg.find(">1</text>"), std::string::npos);  // the last tick
  for (const auto& bar : drawn_bars(svg)) EXPECT_EQ(drawn_sum(bar.segments, &DrawnSegment::width), 0);
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
