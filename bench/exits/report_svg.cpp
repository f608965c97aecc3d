#include "bench/exits/report_svg.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>
#include <vector>

#include "bench/exits/cause_stack.h"
#include "bench/exits/host_flavour.h"
#include "bench/exits/report_order.h"
#include "bench/exits/svg_writer.h"

namespace vmm::bench {

namespace {

// Geometry in SVG user units (pixels at 100%).
constexpr double kMargin = 16;
constexpr double kCharWidth = 7;       // a 12px sans-serif glyph, on average
constexpr double kSmallCharWidth = 6;  // an 11px one
constexpr double kPlotWidth = 640;
constexpr double kBarHeight = 14;
constexpr double kBarGap = 3;
constexpr double kGroupGap = 10;
constexpr double kLegendTop = 58;
constexpr double kLegendRow = 18;
constexpr double kAxisLabelRoom = 22;  // tick labels above the plot
constexpr double kAxisRoom = 40;       // tick labels and the axis title below it
constexpr double kNoteRow = 15;
constexpr const char* kHatch = "unmeasured";

// Okabe & Ito's palette, distinct also for the colour-blind; a cause keeps
// its colour in every chart.
constexpr std::array<std::pair<const char*, const char*>, 8> kCauseColours = {{
    {"device", "#0072B2"},
    {"interrupts+timers", "#E69F00"},
    {"msr+cr", "#CC79A7"},
    {"page faults", "#56B4E9"},
    {"user->kernel", "#009E73"},
    {"emulation batches", "#D55E00"},
    {"other reasons", "#F0E442"},
    {kUnattributedCause, "#9a9a9a"},
}};
constexpr std::array kSpareColours = {"#000000", "#7f3c8d", "#11a579", "#3969ac"};

struct Axis {
  double max;
  double step;
};

struct Bar {
  const CallResult* result = nullptr;  // nullptr: the call was not measured on this path
  CauseStack stack;
};

struct Layout {
  // causes: the attributions' causes in their order, measured or not, no "unattributed"
  std::vector<std::string> calls, paths, causes;
  std::vector<std::vector<Bar>> bars;             // [call][path]
  bool any_unattributed = false, any_unmeasured = false;
  Axis axis{1, 0.2};
  double path_x = 0, plot_x = 0, plot_top = 0, plot_bottom = 0, width = 0;
  double label_room = 0;
  std::vector<std::string> notes;
};

void append_new(std::vector<std::string>& list, const std::string& name) {
  if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
}

std::string colour(const std::string& cause, const std::vector<std::string>& causes) {
  for (const auto& [name, hex] : kCauseColours)
    if (cause == name) return hex;
  size_t spare = std::find(causes.begin(), causes.end(), cause) - causes.begin();
  return kSpareColours[spare % kSpareColours.size()];
}

// 0 to the largest value rounded up to a whole tick, ticks 1, 2 or 5 times a
// power of ten with about five of them; 0 to 1 when there is nothing to show.
Axis nice_axis(double largest) {
  if (largest <= 0) return {1, 0.2};
  double raw = largest / 5;
  double magnitude = std::pow(10, std::floor(std::log10(raw)));
  double step = 10 * magnitude;
  for (double m : {1.0, 2.0, 5.0})
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  return {std::ceil(largest / step - 1e-9) * step, step};
}

// The text after a bar: its total, and the causes it could not measure.
std::string bar_label(const Bar& bar) {
  if (!bar.result) return "not measured";
  if (!bar.stack.total) return "n/a (KVM's count not read)";
  std::string label = svg::number(*bar.stack.total);
  if (bar.stack.unmeasured.empty()) return label;
  label += " (n/a: ";
  for (size_t i = 0; i < bar.stack.unmeasured.size(); ++i)
    label += (i ? ", " : "") + bar.stack.unmeasured[i].first;
  return label + ")";
}

// One line a cause, in legend order, with each distinct source and note of
// every bar once: "device: VMM counters".
std::vector<std::string> source_notes(const ExitsReport& report, const std::vector<std::string>& causes) {
  std::vector<std::string> notes;
  for (const auto& cause : causes) {
    std::vector<std::string> sources;
    for (const auto& r : report.results)
      for (const auto& f : r.attribution ? r.attribution->causes : std::vector<CauseFigure>{})
        if (f.cause == cause) append_new(sources, f.source + (f.note.empty() ? "" : " (" + f.note + ")"));
    std::string line = cause + ": ";
    for (size_t i = 0; i < sources.size(); ++i) line += (i ? "; " : "") + sources[i];
    notes.push_back(line);
  }
  if (notes.empty())
    notes.push_back("no attribution by cause in this run: KVM's whole count is drawn as unattributed");
  return notes;
}

double group_height(size_t paths) { return static_cast<double>(paths) * (kBarHeight + kBarGap) - kBarGap; }

double text_width(const std::string& text, double char_width) {
  return char_width * static_cast<double>(text.size());
}

// Where the legend's entries go: one (x, row) each, wrapping at `width`.
std::vector<std::pair<double, int>> legend_places(const std::vector<std::string>& labels, double width) {
  std::vector<std::pair<double, int>> places;
  double x = kMargin;
  int row = 0;
  for (const auto& label : labels) {
    double entry = 16 + text_width(label, kCharWidth) + 18;
    if (x > kMargin && x + entry > width - kMargin) x = kMargin, ++row;
    places.emplace_back(x, row);
    x += entry;
  }
  return places;
}

std::vector<std::string> legend_labels(const Layout& l) {
  std::vector<std::string> labels = l.causes;
  if (l.any_unattributed) labels.push_back(kUnattributedCause);
  if (l.any_unmeasured) labels.push_back("n/a: causes not measured (silent or not traced), within KVM's rest");
  return labels;
}

Layout lay_out(const ExitsReport& report) {
  Layout l;
  l.calls = call_order(report);
  l.paths = path_order(report);
  double largest = 0, longest_call = 0, longest_path = 0, longest_label = 0;
  for (const auto& call : l.calls) {
    longest_call = std::max(longest_call, text_width(call, kCharWidth));
    auto& row = l.bars.emplace_back();
    for (const auto& path : l.paths) {
      Bar bar{find_result(report, call, path), {}};
      if (bar.result) bar.stack = cause_stack(*bar.result);
      if (bar.result && bar.result->attribution)
        for (const auto& f : bar.result->attribution->causes) append_new(l.causes, f.cause);
      double sum = 0;
      for (const auto& s : bar.stack.segments) {
        sum += s.per_call;
        if (s.cause == kUnattributedCause) (s.holds_unmeasured ? l.any_unmeasured : l.any_unattributed) = true;
      }
      largest = std::max({largest, sum, bar.stack.total.value_or(0)});
      longest_label = std::max(longest_label, text_width(bar_label(bar), kSmallCharWidth));
      row.push_back(std::move(bar));
    }
  }
  for (const auto& path : l.paths) longest_path = std::max(longest_path, text_width(path, kSmallCharWidth));
  l.axis = nice_axis(largest);
  l.path_x = kMargin + longest_call + 12;
  l.plot_x = l.path_x + longest_path + 8;
  l.label_room = longest_label + 12;
  l.notes = source_notes(report, l.causes);
  double notes_width = 0;
  for (const auto& note : l.notes) notes_width = std::max(notes_width, text_width(note, kSmallCharWidth));
  l.width = std::max(l.plot_x + kPlotWidth + l.label_room, kMargin + notes_width) + kMargin;
  auto places = legend_places(legend_labels(l), l.width);
  int legend_rows = places.empty() ? 1 : places.back().second + 1;
  l.plot_top = kLegendTop + legend_rows * kLegendRow + kAxisLabelRoom;
  l.plot_bottom = l.plot_top + static_cast<double>(l.calls.size()) * (group_height(l.paths.size()) + kGroupGap);
  return l;
}

std::string legend(const Layout& l) {
  auto labels = legend_labels(l);
  auto places = legend_places(labels, l.width);
  std::string out;
  for (size_t i = 0; i < labels.size(); ++i) {
    auto [x, row] = places[i];
    double y = kLegendTop + row * kLegendRow;
    bool hatched = l.any_unmeasured && i + 1 == labels.size();
    std::string cause = hatched ? std::string("n/a") : labels[i];
    out += svg::rect("swatch", x, y, 12, 12, hatched ? svg::hatch_fill(kHatch) : colour(cause, l.causes),
                     "data-cause=\"" + svg::escape(cause) + "\" stroke=\"#555555\" stroke-width=\"0.5\"");
    out += svg::text(x + 16, y + 10, labels[i]);
  }
  return out;
}

double x_of(const Layout& l, double value) { return l.plot_x + value / l.axis.max * kPlotWidth; }

std::string axis(const Layout& l) {
  std::string out = svg::line(l.plot_x, l.plot_bottom, l.plot_x + kPlotWidth, l.plot_bottom, "#333333");
  int ticks = static_cast<int>(std::lround(l.axis.max / l.axis.step));
  for (int i = 0; i <= ticks; ++i) {
    double value = i * l.axis.step;
    double x = x_of(l, value);
    std::string label = svg::number(value, "%g");
    out += svg::line(x, l.plot_top - 4, x, l.plot_bottom + 4, "#dddddd");
    out += svg::text(x, l.plot_top - 8, label, "middle", 11);
    out += svg::text(x, l.plot_bottom + 18, label, "middle", 11);
  }
  out += svg::text(l.plot_x + kPlotWidth / 2, l.plot_bottom + 34, "KVM exits per call (all vCPUs)", "middle", 12,
                   "#000000", "bold");
  return out;
}

std::string bar_svg(const Layout& l, const std::string& call, const std::string& path, const Bar& bar, double y) {
  std::string out = "<g class=\"bar\" data-call=\"" + svg::escape(call) + "\" data-path=\"" + svg::escape(path) +
                    "\" data-total=\"" + (bar.stack.total ? svg::number(*bar.stack.total, "%.6g") : "n/a") + "\">\n";
  out += svg::text(l.plot_x - 6, y + kBarHeight - 3, path, "end", 11, "#444444");
  double x = l.plot_x;
  if (bar.stack.total) {
    for (const auto& s : bar.stack.segments) {
      double width = s.per_call / l.axis.max * kPlotWidth;
      std::string tooltip = s.cause + " " + svg::number(s.per_call);
      if (s.holds_unmeasured) {
        tooltip += ", holding causes not measured:";
        for (const auto& [cause, why] : bar.stack.unmeasured) tooltip += " " + cause + " (" + why + ");";
      }
      out += svg::rect(s.holds_unmeasured ? "segment unmeasured" : "segment", x, y, width, kBarHeight,
                       s.holds_unmeasured ? svg::hatch_fill(kHatch) : colour(s.cause, l.causes),
                       "data-cause=\"" + svg::escape(s.cause) + "\" data-per-call=\"" +
                           svg::number(s.per_call, "%.6g") + "\"",
                       tooltip);
      x += width;
    }
  }
  out += svg::text(x + 4, y + kBarHeight - 3, bar_label(bar), "start", 11,
                   bar.stack.unmeasured.empty() ? "#000000" : "#555555");
  return out + "</g>\n";
}

double group_top(const Layout& l, size_t c) {
  return l.plot_top + static_cast<double>(c) * (group_height(l.paths.size()) + kGroupGap) + kGroupGap / 2;
}

// Every other group on a light band, under the grid, so a call's bars read as one.
std::string bands(const Layout& l) {
  std::string out;
  for (size_t c = 0; c < l.calls.size(); c += 2)
    out += svg::rect("band", kMargin / 2, group_top(l, c) - kGroupGap / 2, l.width - kMargin,
                     group_height(l.paths.size()) + kGroupGap, "#eef1f6");
  return out;
}

std::string group(const Layout& l, size_t c) {
  double top = group_top(l, c), height = group_height(l.paths.size());
  std::string out = svg::text(kMargin, top + height / 2 + 4, l.calls[c], "start", 12, "#000000", "bold");
  for (size_t p = 0; p < l.paths.size(); ++p)
    out += bar_svg(l, l.calls[c], l.paths[p], l.bars[c][p], top + static_cast<double>(p) * (kBarHeight + kBarGap));
  return out;
}

std::string source_lines(const Layout& l) {
  std::string out;
  double y = l.plot_bottom + kAxisRoom + 12;
  out += svg::text(kMargin, y, "sources:", "start", 11, "#000000", "bold");
  for (const auto& note : l.notes) {
    y += kNoteRow;
    out += svg::text(kMargin, y, note, "start", 11, "#444444");
  }
  return out;
}

}  // namespace

std::string exits_svg_chart(const ExitsReport& report) {
  Layout l = lay_out(report);
  double height = l.plot_bottom + kAxisRoom + 12 + kNoteRow * static_cast<double>(l.notes.size()) + kMargin;
  std::string out = svg::begin(l.width, height);
  out += svg::hatch_pattern(kHatch);
  out += svg::text(kMargin, 24,
                   "KVM exits per call by cause, per path: " + std::to_string(report.iterations) +
                       " iterations, smp " + std::to_string(report.smp),
                   "start", 16, "#000000", "bold");
  out += svg::text(kMargin, 42, "host: " + describe_host(report.host), "start", 11, "#444444");
  out += legend(l);
  out += bands(l);
  out += axis(l);
  for (size_t c = 0; c < l.calls.size(); ++c) out += group(l, c);
  out += source_lines(l);
  return out + svg::end();
}

}  // namespace vmm::bench
