#include <nlohmann/json.hpp>
#include <sstream>

#include "vmm/stats/vm_stats.h"

namespace vmm {

namespace {

const char* direction_name(Direction d, bool pio) {
  if (pio) return d == Direction::kWrite ? "out" : "in";
  return d == Direction::kWrite ? "write" : "read";
}

nlohmann::json vmm_counts_json(const ExitCounts& counts) {
  nlohmann::json by_reason = nlohmann::json::object();
  for (const auto& [reason, n] : counts.by_reason) by_reason[exit_reason_name(reason)] = n;
  nlohmann::json io = nlohmann::json::array();
  for (const auto& [key, n] : counts.pio)
    io.push_back({{"region", key.region}, {"direction", direction_name(key.direction, true)},
                  {"count", n}});
  nlohmann::json mmio = nlohmann::json::array();
  for (const auto& [key, n] : counts.mmio)
    mmio.push_back({{"region", key.region}, {"direction", direction_name(key.direction, false)},
                    {"count", n}});
  return {{"total", counts.total}, {"by_reason", by_reason}, {"io", io}, {"mmio", mmio}};
}

nlohmann::json kvm_counters_json(const VcpuStats& vcpu) {
  nlohmann::json kvm = nlohmann::json::object();
  for (const auto& stat : vcpu.kvm) kvm[stat.name] = stat.value;
  return kvm;
}

nlohmann::json device_json(const DeviceStats& device) {
  nlohmann::json properties = nlohmann::json::object();
  for (const auto& [key, value] : device.properties) properties[key] = value;
  nlohmann::json counters = nlohmann::json::object();
  for (const auto& [key, value] : device.counters) counters[key] = value;
  return {{"name", device.name}, {"type", device.type}, {"properties", properties},
          {"counters", counters}};
}

nlohmann::json vcpus_json(const std::vector<VcpuStats>& list) {
  nlohmann::json vcpus = nlohmann::json::array();
  for (const auto& vcpu : list) {
    nlohmann::json entry = {{"id", vcpu.id},
                            {"vmm", vmm_counts_json(vcpu.vmm)},
                            {"kvm", kvm_counters_json(vcpu)}};
    if (vcpu.kvm_error) entry["kvm_error"] = *vcpu.kvm_error;
    vcpus.push_back(std::move(entry));
  }
  return vcpus;
}

nlohmann::json device_counters_json(const std::vector<DeviceStats>& list) {
  nlohmann::json devices = nlohmann::json::array();
  for (const auto& device : list) {
    nlohmann::json counters = nlohmann::json::object();
    for (const auto& [key, value] : device.counters) counters[key] = value;
    devices.push_back({{"name", device.name}, {"counters", counters}});
  }
  return devices;
}

nlohmann::json mark_json(const PhaseMark& mark) {
  return {{"phase", mark.phase},
          {"vcpu", mark.vcpu},
          {"host_time_ns", mark.host_time_ns},
          {"vcpus", vcpus_json(mark.vcpus)},
          {"devices", device_counters_json(mark.devices)}};
}

}  // namespace

// The document without its marks, then the marks one line each: a mark is
// decoded, written and let go before the next.
void write_stats_json(const VmStats& stats, std::ostream& out) {
  nlohmann::json vcpus = vcpus_json(stats.vcpus);
  nlohmann::json devices = nlohmann::json::array();
  for (const auto& device : stats.devices) devices.push_back(device_json(device));
  nlohmann::json doc = {{"exit_status", stats.exit_status},
                        {"stop_reason", stats.stop_reason},
                        {"vcpus", vcpus},
                        {"devices", devices},
                        {"marks_dropped", stats.marks_dropped}};
  std::string head = doc.dump(2);
  head.resize(head.size() - 2);  // the closing "\n}"
  out << head << ",\n  \"marks\": [";
  const char* separator = "\n    ";
  stats.marks.for_each([&](const PhaseMark& mark) {
    out << separator << mark_json(mark).dump();
    separator = ",\n    ";
  });
  out << (stats.marks.size() ? "\n  ]\n}\n" : "]\n}\n");
}

std::string stats_to_json(const VmStats& stats) {
  std::ostringstream out;
  write_stats_json(stats, out);
  return out.str();
}

}  // namespace vmm
