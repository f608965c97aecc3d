#include "bench/exits/report_svg.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <vector>

#include "bench/exits/report_order.h"

namespace vmm::bench {

namespace {

// Geometry in SVG user units (pixels at 100%).
constexpr double kMargin = 16;
constexpr double kCharWidth = 7;  // a 12px sans-serif glyph, on average
constexpr double kPlotWidth = 600;
constexpr double kValueRoom = 70;  // right of the plot, for the last value label
constexpr double kBarHeight = 14;
constexpr double kBarGap = 2;
constexpr double kGroupGap = 12;
constexpr double kPlotTop = 72;  // below the title and the legend
constexpr double kAxisRoom = 36;  // below the plot, for tick labels

// Okabe & Ito's palette: distinct also for the colour-blind.
constexpr std::array kColours = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                 "#CC79A7", "#56B4E9", "#F0E442", "#000000"};

struct Axis {
  double max;
  double step;
};

std::string num(double value, const char* format = "%.2f") {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

// What a bar's length shows: a negative or non-finite rate has no length.
double bar_value(double value) { return std::isfinite(value) && value > 0 ? value : 0; }

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

std::string text(double x, double y, const std::string& anchor, const std::string& body,
                 int size = 12) {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" font-size=\"" + std::to_string(size) +
         "\" text-anchor=\"" + anchor + "\">" + xml_escape(body) + "</text>\n";
}

std::string rect(const char* cls, double x, double y, double w, double h, const char* fill) {
  return std::string("<rect class=\"") + cls + "\" x=\"" + num(x) + "\" y=\"" + num(y) +
         "\" width=\"" + num(w) + "\" height=\"" + num(h) + "\" fill=\"" + fill + "\"/>\n";
}

std::string legend(const std::vector<std::string>& paths) {
  std::string svg;
  double x = kMargin;
  for (size_t i = 0; i < paths.size(); ++i) {
    svg += rect("swatch", x, 42, 12, 12, kColours[i % kColours.size()]);
    svg += text(x + 16, 52, "start", paths[i]);
    x += 16 + kCharWidth * static_cast<double>(paths[i].size()) + 20;
  }
  return svg;
}

std::string x_axis(const Axis& axis, double plot_x, double plot_bottom) {
  std::string svg = "<line x1=\"" + num(plot_x) + "\" y1=\"" + num(plot_bottom) + "\" x2=\"" +
                    num(plot_x + kPlotWidth) + "\" y2=\"" + num(plot_bottom) +
                    "\" stroke=\"#333333\"/>\n";
  int ticks = static_cast<int>(std::lround(axis.max / axis.step));
  for (int i = 0; i <= ticks; ++i) {
    double value = i * axis.step;
    double x = plot_x + value / axis.max * kPlotWidth;
    svg += "<line x1=\"" + num(x) + "\" y1=\"" + num(kPlotTop - 4) + "\" x2=\"" + num(x) +
           "\" y2=\"" + num(plot_bottom + 4) + "\" stroke=\"#dddddd\"/>\n";
    svg += text(x, plot_bottom + 18, "middle", num(value, "%g"), 11);
  }
  svg += text(plot_x + kPlotWidth / 2, plot_bottom + 32, "middle", "VMM exits per call", 11);
  return svg;
}

double group_height(size_t paths) {
  return static_cast<double>(paths) * (kBarHeight + kBarGap) - kBarGap;
}

// One call's bars, one per path, from the top of its group.
std::string call_group(const ExitsReport& report, const std::string& call,
                       const std::vector<std::string>& paths, const Axis& axis, double plot_x,
                       double top) {
  std::string svg = text(plot_x - 8, top + group_height(paths.size()) / 2 + 4, "end", call);
  for (size_t i = 0; i < paths.size(); ++i) {
    double y = top + static_cast<double>(i) * (kBarHeight + kBarGap);
    const CallResult* result = find_result(report, call, paths[i]);
    if (!result) {
      svg += text(plot_x + 4, y + kBarHeight - 3, "start", "n/a", 11);
      continue;
    }
    double width = bar_value(result->vmm_exits_all) / axis.max * kPlotWidth;
    svg += rect("bar", plot_x, y, width, kBarHeight, kColours[i % kColours.size()]);
    svg += text(plot_x + width + 4, y + kBarHeight - 3, "start", num(result->vmm_exits_all), 11);
  }
  return svg;
}

}  // namespace

std::string exits_svg_chart(const ExitsReport& report) {
  auto calls = call_order(report);
  auto paths = path_order(report);
  size_t longest = 4;
  double largest = 0;
  for (const auto& call : calls) longest = std::max(longest, call.size());
  for (const auto& r : report.results) largest = std::max(largest, bar_value(r.vmm_exits_all));
  Axis axis = nice_axis(largest);
  double plot_x = kMargin + kCharWidth * static_cast<double>(longest) + 8;
  double group = group_height(paths.size()) + kGroupGap;
  double plot_bottom = kPlotTop + static_cast<double>(calls.size()) * group;
  double width = plot_x + kPlotWidth + kValueRoom + kMargin;
  double height = plot_bottom + kAxisRoom + kMargin;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width, "%.0f") +
                    "\" height=\"" + num(height, "%.0f") + "\" viewBox=\"0 0 " +
                    num(width, "%.0f") + " " + num(height, "%.0f") +
                    "\" font-family=\"sans-serif\">\n";
  svg += rect("background", 0, 0, width, height, "#ffffff");
  svg += text(kMargin, 24, "start",
              "VM exits per call (all vCPUs), " + std::to_string(report.iterations) + " iterations",
              16);
  svg += legend(paths);
  svg += x_axis(axis, plot_x, plot_bottom);
  for (size_t c = 0; c < calls.size(); ++c)
    svg += call_group(report, calls[c], paths, axis, plot_x,
                      kPlotTop + static_cast<double>(c) * group + kGroupGap / 2);
  return svg + "</svg>\n";
}

}  // namespace vmm::bench
