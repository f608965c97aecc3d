#include "bench/qemu/vcpu_stats.h"

#include "bench/qemu/json_field.h"

namespace vmm::bench {

namespace {

bool is_kvm_vcpu_schema(const nlohmann::json& schema) {
  return string_field(schema, "provider") == "kvm" && string_field(schema, "target") == "vcpu" &&
         schema.contains("stats") && schema["stats"].is_array();
}

int int_field(const nlohmann::json& obj, const char* key, int fallback) {
  if (!obj.is_object() || !obj.contains(key) || !obj[key].is_number_integer()) return fallback;
  return obj[key].get<int>();
}

Result<void> add_histogram(const std::string& name, const nlohmann::json& buckets,
                           std::vector<uint64_t>& sum) {
  if (sum.size() < buckets.size()) sum.resize(buckets.size(), 0);
  for (size_t i = 0; i < buckets.size(); ++i) {
    if (!buckets[i].is_number_unsigned())
      return make_error("query-stats: histogram '" + name + "' has a bucket that is not a uint64: " +
                        buckets[i].dump());
    sum[i] += buckets[i].get<uint64_t>();
  }
  return ok();
}

// Adds one statistic into `sum` by the kind of its value.
Result<void> add_stat(const std::string& name, const nlohmann::json& value,
                      const std::set<std::string>* summable, VcpuStatsSum& sum) {
  if (value.is_boolean()) {
    sum.true_count[name] += value.get<bool>() ? 1 : 0;
    return ok();
  }
  if (value.is_array()) return add_histogram(name, value, sum.histograms[name]);
  if (!value.is_number_integer())
    return make_error("query-stats: statistic '" + name + "' is no uint64, int64, boolean or histogram: " +
                      value.dump());
  if (summable && !summable->contains(name)) return ok();
  if (value.is_number_unsigned()) sum.totals[name] += value.get<uint64_t>();
  else sum.signed_totals[name] += value.get<int64_t>();
  return ok();
}

// Adds one vCPU's {name, value} list into `sum`.
Result<void> add_vcpu(const nlohmann::json& stats, const std::set<std::string>* summable,
                      VcpuStatsSum& sum) {
  for (const auto& stat : stats) {
    if (!stat.is_object() || !stat.contains("name") || !stat["name"].is_string() ||
        !stat.contains("value"))
      return make_error("query-stats: a statistic without name or value: " + stat.dump());
    VMM_TRY_VOID(add_stat(stat["name"].get<std::string>(), stat["value"], summable, sum));
  }
  return ok();
}

}  // namespace

Result<std::map<std::string, VcpuStatSchema>> vcpu_stat_schemas(const nlohmann::json& schemas) {
  if (!schemas.is_array()) return make_error("query-stats-schemas: the reply is not a list");
  std::map<std::string, VcpuStatSchema> by_name;
  for (const auto& schema : schemas) {
    if (!is_kvm_vcpu_schema(schema)) continue;
    for (const auto& stat : schema["stats"]) {
      auto name = string_field(stat, "name");
      if (name.empty()) continue;
      VcpuStatSchema s{string_field(stat, "type"), string_field(stat, "unit"), int_field(stat, "base", 10),
                       int_field(stat, "exponent", 0), 0};
      if (stat.contains("bucket-size") && stat["bucket-size"].is_number_unsigned())
        s.bucket_size = stat["bucket-size"].get<uint64_t>();
      by_name[name] = s;
    }
  }
  if (by_name.empty()) return make_error("query-stats-schemas: KVM offers no vCPU statistics");
  return by_name;
}

Result<std::set<std::string>> summable_vcpu_stat_names(const nlohmann::json& schemas) {
  auto by_name = VMM_TRY(vcpu_stat_schemas(schemas));
  std::set<std::string> names;
  for (const auto& [name, s] : by_name)
    if ((s.type == "cumulative" || s.type == "instant") && s.unit != "boolean") names.insert(name);
  if (names.empty()) return make_error("query-stats-schemas: KVM offers no summable vCPU statistics");
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
    VMM_TRY_VOID(add_vcpu(result["stats"], summable, sum));
    ++sum.vcpus;
  }
  if (sum.vcpus == 0)
    return make_error("query-stats returned no KVM vCPU statistics");
  return sum;
}

}  // namespace vmm::bench
