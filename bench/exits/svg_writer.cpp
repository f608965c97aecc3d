#include "bench/exits/svg_writer.h"

#include <cstdio>

namespace vmm::bench::svg {

std::string escape(const std::string& text) {
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

std::string number(double value, const char* format) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

std::string begin(double width, double height) {
  std::string w = number(width, "%.0f"), h = number(height, "%.0f");
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w +
         " " + h + "\" font-family=\"sans-serif\">\n" +
         rect("background", 0, 0, width, height, "#ffffff");
}

std::string end() { return "</svg>\n"; }

std::string text(double x, double y, const std::string& body, const char* anchor, int size, const char* fill,
                 const char* weight) {
  std::string attrs = "x=\"" + number(x) + "\" y=\"" + number(y) + "\" font-size=\"" + std::to_string(size) +
                      "\" text-anchor=\"" + anchor + "\"";
  if (std::string(fill) != "#000000") attrs += std::string(" fill=\"") + fill + "\"";
  if (std::string(weight) != "normal") attrs += std::string(" font-weight=\"") + weight + "\"";
  return "<text " + attrs + ">" + escape(body) + "</text>\n";
}

std::string rect(const std::string& cls, double x, double y, double width, double height, const std::string& fill,
                 const std::string& extra, const std::string& tooltip) {
  std::string open = "<rect class=\"" + escape(cls) + "\" x=\"" + number(x) + "\" y=\"" + number(y) +
                     "\" width=\"" + number(width) + "\" height=\"" + number(height) + "\" fill=\"" + fill + "\"" +
                     (extra.empty() ? "" : " " + extra);
  if (tooltip.empty()) return open + "/>\n";
  return open + "><title>" + escape(tooltip) + "</title></rect>\n";
}

std::string line(double x1, double y1, double x2, double y2, const char* stroke) {
  return "<line x1=\"" + number(x1) + "\" y1=\"" + number(y1) + "\" x2=\"" + number(x2) + "\" y2=\"" + number(y2) +
         "\" stroke=\"" + stroke + "\"/>\n";
}

std::string hatch_pattern(const char* id) {
  return std::string("<defs><pattern id=\"") + id +
         "\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\">"
         "<rect x=\"0\" y=\"0\" width=\"6\" height=\"6\" fill=\"#f2f2f2\"/>"
         "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#8c8c8c\" stroke-width=\"3\"/></pattern></defs>\n";
}

std::string hatch_fill(const char* id) { return std::string("url(#") + id + ")"; }

}  // namespace vmm::bench::svg
