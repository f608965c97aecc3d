#include "bench/exits/host_flavour.h"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace vmm::bench {

namespace {

// Parameters worth naming beside the module: they change what an exit is.
constexpr const char* kNotedParameters[] = {"pvm_native", "pvm_emul_batch", "ept", "npt", "enable_apicv", "avic"};

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

bool exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

std::string cpuinfo_field(const std::string& cpuinfo, const std::string& key) {
  std::istringstream in(cpuinfo);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) != 0) continue;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    size_t start = line.find_first_not_of(' ', colon + 1);
    return start == std::string::npos ? "" : line.substr(start);
  }
  return {};
}

std::optional<bool> yes_no(const std::string& value) {
  if (value == "Y" || value == "1") return true;
  if (value == "N" || value == "0") return false;
  return std::nullopt;
}

}  // namespace

HostFlavour detect_host_flavour(const std::string& root) {
  HostFlavour host;
  std::string sys = root + "/sys/module/";
  host.kvm_module = "none";
  for (const char* module : {"kvm_intel", "kvm_amd", "kvm_pvm"}) {
    if (!exists(sys + module)) continue;
    host.kvm_module = module;
    std::string params = sys + module + "/parameters/";
    if (exists(params + "nested")) host.nested = yes_no(first_line(params + "nested"));
    for (const char* p : kNotedParameters)
      if (exists(params + p)) host.module_parameters.emplace_back(p, first_line(params + p));
    break;
  }
  host.kernel = first_line(root + "/proc/sys/kernel/osrelease");
  std::ifstream in(root + "/proc/cpuinfo");
  std::stringstream text;
  text << in.rdbuf();
  host.cpu_model = cpuinfo_field(text.str(), "model name");
  std::string flags = " " + cpuinfo_field(text.str(), "flags") + " ";
  host.host_is_a_guest = flags.find(" hypervisor ") != std::string::npos;
  return host;
}

std::string describe_host(const HostFlavour& host) {
  std::string line = host.kvm_module;
  std::string details = host.nested ? std::string("nested ") + (*host.nested ? "Y" : "N") : "nested ?";
  for (const auto& [name, value] : host.module_parameters) details += ", " + name + "=" + value;
  line += " (" + details + "), Linux " + (host.kernel.empty() ? "?" : host.kernel) + ", " +
          (host.cpu_model.empty() ? "CPU ?" : host.cpu_model);
  if (host.host_is_a_guest) line += " (a guest itself)";
  return line;
}

std::optional<uint32_t> emulation_batch_limit(const HostFlavour& host) {
  for (const auto& [name, value] : host.module_parameters) {
    if (name != "pvm_emul_batch") continue;
    uint32_t limit = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
    if (ec == std::errc() && limit > 0) return limit;
  }
  return std::nullopt;
}

}  // namespace vmm::bench
