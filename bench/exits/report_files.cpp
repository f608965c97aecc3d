#include "bench/exits/report_files.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "bench/exits/report_order.h"

namespace vmm::bench {

namespace {

// ordered_json keeps keys in insertion order, so the documented key order
// and the fixed kind order survive into the file.
using Json = nlohmann::ordered_json;

Json optional_json(const std::optional<double>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json host_json(const HostFlavour& h) {
  Json params = Json::object();
  for (const auto& [name, value] : h.module_parameters) params[name] = value;
  return {{"kvm_module", h.kvm_module}, {"nested", h.nested ? Json(*h.nested) : Json(nullptr)},
          {"module_parameters", params}, {"kernel", h.kernel}, {"cpu_model", h.cpu_model},
          {"host_is_a_guest", h.host_is_a_guest}};
}

Json attribution_json(const std::optional<ExitAttribution>& a) {
  if (!a) return nullptr;
  Json causes = Json::array();
  for (const auto& f : a->causes)
    causes.push_back({{"cause", f.cause}, {"per_call", optional_json(f.per_call)}, {"source", f.source}, {"note", f.note}});
  Json functions = Json::array();
  for (const auto& [name, share] : a->functions) functions.push_back({{"function", name}, {"share", share}});
  return {{"method", a->method}, {"causes", causes}, {"unattributed", a->unattributed},
          {"attributed_percent", optional_json(a->attributed_percent)},
          {"emulated_insns_per_call", optional_json(a->emulated_insns_per_call)}, {"functions", functions}};
}

Json result_json(const CallResult& r) {
  Json by_kind = Json::object();
  for (const auto& [kind, rate] : r.by_kind) by_kind[kind] = rate;
  Json hardware = Json::object();
  for (const auto& [reason, rate] : r.hw_exit_reasons) hardware[reason] = rate;
  return {{"call", r.call},
          {"path", r.path},
          {"calls", r.calls},
          {"vmm_exits_all", r.vmm_exits_all},
          {"vmm_exits_caller", r.vmm_exits_caller},
          {"kvm_exits_all", optional_json(r.kvm_exits_all)},
          {"kvm_exits_caller", optional_json(r.kvm_exits_caller)},
          {"kvm_exits_net", optional_json(r.kvm_exits_net)},
          {"by_kind", by_kind},
          {"idle_vmm_exits_per_s", r.idle_vmm_exits_per_s},
          {"idle_kvm_exits_per_s", optional_json(r.idle_kvm_exits_per_s)},
          {"mean_latency_us", r.mean_latency_us},
          {"hardware_exit_reasons", hardware},
          {"traced_exits", optional_json(r.traced_exits)},
          {"subtraction_vmm_exits", optional_json(r.subtraction_vmm_exits)},
          {"qemu_exits", optional_json(r.qemu_exits)},
          {"qemu_note", r.qemu_note},
          {"agreement", r.agreement},
          {"attribution", attribution_json(r.attribution)}};
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// Shortest round-trip text (std::to_chars), so a reader gets the same double.
std::string csv_number(double value) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return ec == std::errc() ? std::string(buf, end) : std::string();
}

std::string csv_number(const std::optional<double>& value) {
  return value ? csv_number(*value) : std::string();
}

std::string csv_kind(const CallResult& r, const std::string& kind) {
  for (const auto& [name, rate] : r.by_kind)
    if (name == kind) return csv_number(rate);
  return {};
}

void append_line(std::string& csv, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) csv += (i ? "," : "") + csv_field(fields[i]);
  csv += "\n";
}

}  // namespace

std::string exits_to_json(const ExitsReport& report) {
  Json results = Json::array();
  for (const auto& r : report.results) results.push_back(result_json(r));
  Json doc = {{"benchmark", "exits"},
              {"host", host_json(report.host)},
              {"iterations", report.iterations},
              {"smp", report.smp},
              {"paths", report.paths},
              {"results", results},
              {"notes", report.notes}};
  return doc.dump(2) + "\n";
}

std::string exits_to_csv(const ExitsReport& report) {
  std::vector<const CallResult*> all;
  for (const auto& r : report.results) all.push_back(&r);
  std::vector<std::string> kinds = kind_union(all);
  std::vector<std::string> header = {
      "call", "path", "calls", "vmm_exits_all", "vmm_exits_caller", "kvm_exits_all",
      "kvm_exits_caller", "idle_vmm_exits_per_s", "idle_kvm_exits_per_s", "mean_latency_us",
      "subtraction_vmm_exits", "qemu_exits", "qemu_note"};
  for (const auto& kind : kinds) header.push_back("kind:" + kind);
  for (const char* extra : {"host_kvm", "host_nested", "host_kernel", "host_cpu", "agreement", "attributed_percent",
                            "unattributed", "emulated_insns_per_call", "kvm_exits_net"})
    header.push_back(extra);
  std::string csv;
  append_line(csv, header);
  for (const auto& r : report.results) {
    std::vector<std::string> fields = {
        r.call, r.path, std::to_string(r.calls), csv_number(r.vmm_exits_all),
        csv_number(r.vmm_exits_caller), csv_number(r.kvm_exits_all),
        csv_number(r.kvm_exits_caller), csv_number(r.idle_vmm_exits_per_s),
        csv_number(r.idle_kvm_exits_per_s), csv_number(r.mean_latency_us),
        csv_number(r.subtraction_vmm_exits), csv_number(r.qemu_exits), r.qemu_note};
    for (const auto& kind : kinds) fields.push_back(csv_kind(r, kind));
    for (std::string extra : {report.host.kvm_module, std::string(report.host.nested ? (*report.host.nested ? "Y" : "N") : ""),
        report.host.kernel, report.host.cpu_model, r.agreement,
        r.attribution ? csv_number(r.attribution->attributed_percent) : std::string(),
        r.attribution ? csv_number(r.attribution->unattributed) : std::string(),
        r.attribution ? csv_number(r.attribution->emulated_insns_per_call) : std::string(),
        csv_number(r.kvm_exits_net)})
      fields.push_back(extra);
    append_line(csv, fields);
  }
  return csv;
}

}  // namespace vmm::bench
