// A function symbol as a person reads it: a C++ name demangled (Itanium C++
// ABI, "Mangling") without its parameter list, "net::Tcp::send" for
// _ZN3net3Tcp4sendEPKvm, so a guest address reads as net::Tcp::send+0x24 in
// a fault report or a trace. Other names (C, assembly) are left as they are.
#pragma once

#include <string>

namespace vmm::loader {

std::string readable_function_name(const std::string& symbol);

}  // namespace vmm::loader
