#include "vmm/loader/function_name.h"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

namespace vmm::loader {

namespace {

bool ends_with_word(const std::string& text, const std::string& word) {
  return text.size() >= word.size() && text.compare(text.size() - word.size(), word.size(), word) == 0;
}

// "ns::f(int, char const*) const" -> "ns::f": drops trailing qualifiers, then
// the parenthesised list that ends the name (found from the end, so
// "operator()(int)" keeps its "operator()").
std::string without_parameters(std::string name) {
  for (bool trimmed = true; trimmed;) {
    trimmed = false;
    for (const char* qualifier : {" const", " volatile", " &&", " &", " noexcept"})
      if (ends_with_word(name, qualifier)) {
        name.resize(name.size() - std::string(qualifier).size());
        trimmed = true;
      }
  }
  if (name.empty() || name.back() != ')') return name;
  int depth = 0;
  for (size_t i = name.size(); i-- > 0;) {
    if (name[i] == ')') ++depth;
    if (name[i] == '(' && --depth == 0) return i == 0 ? name : name.substr(0, i);
  }
  return name;
}

}  // namespace

std::string readable_function_name(const std::string& symbol) {
  if (!symbol.starts_with("_Z")) return symbol;
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> demangled(
      abi::__cxa_demangle(symbol.c_str(), nullptr, nullptr, &status), &std::free);
  if (status != 0 || !demangled) return symbol;
  return without_parameters(demangled.get());
}

}  // namespace vmm::loader
