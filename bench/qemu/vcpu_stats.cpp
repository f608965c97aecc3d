#include "bench/qemu/vcpu_stats.h"

#include "bench/qemu/json_field.h"

namespace vmm::bench {

namespace {

bool is_kvm_vcpu_schema(const nlohmann::json& schema) {
  return string_field(schema, "provider") == "kvm" && string_field(schema, "target") == "vcpu" &&
         schema.contains("stats") && schema["stats"].is_array();
}

// Adds one vCPU's {name, value} list into `totals`.
Result<void> add_vcpu(const nlohmann::json& stats, const std::set<std::string>* summable,
                      std::map<std::string, uint64_t>& totals) {
  for (const auto& stat : stats) {
    if (!stat.is_object() || !stat.contains("name") || !stat["name"].is_string() ||
        !stat.contains("value"))
      return make_error("query-stats: a statistic without name or value: " + stat.dump());
    const auto& value = stat["value"];
    if (value.is_array()) continue;  // a histogram
    auto name = stat["name"].get<std::string>();
    if (!value.is_number_unsigned())
      return make_error("query-stats: statistic '" + name + "' is not a uint64: " + value.dump());
    if (summable && !summable->contains(name)) continue;
    totals[name] += value.get<uint64_t>();
  }
  return ok();
}

}  // namespace

Result<std::set<std::string>> summable_vcpu_stat_names(const nlohmann::json& schemas) {
  if (!schemas.is_array()) return make_error("query-stats-schemas: the reply is not a list");
  std::set<std::string> names;
  for (const auto& schema : schemas) {
    if (!is_kvm_vcpu_schema(schema)) continue;
    for (const auto& stat : schema["stats"]) {
      auto type = string_field(stat, "type");
      auto name = string_field(stat, "name");
      if (!name.empty() && (type == "cumulative" || type == "instant")) names.insert(name);
    }
  }
  if (names.empty()) return make_error("query-stats-schemas: KVM offers no vCPU statistics");
  return names;
}

Result<VcpuStatsSum> sum_vcpu_stats(const nlohmann::json& reply,
                                    const std::set<std::string>* summable) {
  if (!reply.is_array()) return make_error("query-stats: the reply is not a list");
  VcpuStatsSum sum;
  for (const auto& result : reply) {
    if (string_field(result, "provider") != "kvm") continue;
    if (!result.contains("stats") || !result["stats"].is_array())
      return make_error("query-stats: a vCPU result without a \"stats\" list");
    VMM_TRY_VOID(add_vcpu(result["stats"], summable, sum.totals));
    ++sum.vcpus;
  }
  if (sum.vcpus == 0)
    return make_error("query-stats returned no KVM vCPU statistics");
  return sum;
}

}  // namespace vmm::bench
