// The few SVG elements the charts of vmm-bench draw, as text: no library, no
// scripts, no style sheets, so the file opens the same in a browser, an image
// viewer or a README. Numbers are printed with two decimals; text is escaped.
#pragma once

#include <string>

namespace vmm::bench::svg {

// Text with the five XML special characters escaped (XML 1.0 §2.4).
std::string escape(const std::string& text);

// A number for an attribute or a label (printf format, "%.2f" by default).
std::string number(double value, const char* format = "%.2f");

// <svg ...> with a white background; close with svg::end().
std::string begin(double width, double height);
std::string end();

// anchor: start, middle or end.
std::string text(double x, double y, const std::string& body, const char* anchor = "start", int size = 12,
                 const char* fill = "#000000", const char* weight = "normal");

// cls: the class attribute, for readers and tests; extra: further attributes,
// already escaped (data-cause="..."); tooltip: a <title> child, shown on
// hover, none when empty.
std::string rect(const std::string& cls, double x, double y, double width, double height, const std::string& fill,
                 const std::string& extra = "", const std::string& tooltip = "");

std::string line(double x1, double y1, double x2, double y2, const char* stroke);

// A <defs> holding a diagonal hatch pattern named `id`; fill with hatch_fill(id).
std::string hatch_pattern(const char* id);
std::string hatch_fill(const char* id);

}  // namespace vmm::bench::svg
