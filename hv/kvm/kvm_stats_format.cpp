#include "hv/kvm/kvm_stats_format.h"

#include <algorithm>
#include <cstring>

namespace vmm {
namespace {

Error format_error(const std::string& what) {
  return make_error("KVM stats: " + what);
}

uint64_t load_u64(std::span<const uint8_t> bytes, size_t offset) {
  uint64_t value;
  std::memcpy(&value, bytes.data() + offset, sizeof(value));
  return value;
}

size_t descriptor_stride(const kvm_stats_header& header) {
  return kKvmStatsDescFixedSize + header.name_size;
}

// One descriptor at `bytes` (exactly one stride long).
Result<KvmStatDescriptor> parse_descriptor(std::span<const uint8_t> bytes) {
  kvm_stats_desc desc;
  std::memcpy(&desc, bytes.data(), kKvmStatsDescFixedSize);
  auto name_bytes = bytes.subspan(kKvmStatsDescFixedSize);
  const char* name = reinterpret_cast<const char*>(name_bytes.data());
  size_t name_length = strnlen(name, name_bytes.size());
  if (name_length == name_bytes.size()) return format_error("stat name is not NUL-terminated");
  if (name_length == 0) return format_error("stat has an empty name");
  if (desc.size == 0) return format_error("stat '" + std::string(name) + "' has no data items");
  return KvmStatDescriptor{std::string(name, name_length), desc.flags, desc.offset, desc.size};
}

}  // namespace

Result<kvm_stats_header> parse_stats_header(std::span<const uint8_t> bytes) {
  if (bytes.size() < sizeof(kvm_stats_header))
    return format_error("truncated header (" + std::to_string(bytes.size()) + " bytes)");
  kvm_stats_header header;
  std::memcpy(&header, bytes.data(), sizeof(header));
  if (header.name_size == 0 || header.name_size > kKvmStatsMaxNameSize)
    return format_error("bogus name_size " + std::to_string(header.name_size));
  if (header.num_desc > kKvmStatsMaxDescriptors)
    return format_error("bogus num_desc " + std::to_string(header.num_desc));
  return header;
}

size_t stats_descriptors_end(const kvm_stats_header& header) {
  // Cannot overflow: parse_stats_header bounds it to 2^32 + 2^16 * 4112.
  uint64_t end = uint64_t{header.desc_offset} + uint64_t{header.num_desc} * descriptor_stride(header);
  return static_cast<size_t>(std::max<uint64_t>(end, sizeof(kvm_stats_header)));
}

Result<KvmStatsLayout> parse_stats_layout(std::span<const uint8_t> file_prefix) {
  kvm_stats_header header = VMM_TRY(parse_stats_header(file_prefix));
  const size_t end = stats_descriptors_end(header);
  if (end > file_prefix.size())
    return format_error("descriptors end at " + std::to_string(end) + ", past the " +
                        std::to_string(file_prefix.size()) + " bytes read");
  KvmStatsLayout layout;
  layout.data_offset = header.data_offset;
  const size_t stride = descriptor_stride(header);
  for (uint32_t i = 0; i < header.num_desc; ++i) {
    auto bytes = file_prefix.subspan(header.desc_offset + i * stride, stride);
    KvmStatDescriptor stat = VMM_TRY(parse_descriptor(bytes));
    uint64_t stat_end = uint64_t{stat.data_offset} + uint64_t{stat.items} * sizeof(uint64_t);
    if (stat_end > kKvmStatsMaxDataSize)
      return format_error("stat '" + stat.name + "' has bogus offset " +
                          std::to_string(stat.data_offset));
    layout.data_size = std::max(layout.data_size, static_cast<size_t>(stat_end));
    layout.stats.push_back(std::move(stat));
  }
  return layout;
}

Result<KvmStats> decode_stats(const KvmStatsLayout& layout, std::span<const uint8_t> data_block) {
  if (data_block.size() < layout.data_size)
    return format_error("data block is " + std::to_string(data_block.size()) + " bytes, need " +
                        std::to_string(layout.data_size));
  KvmStats stats;
  stats.reserve(layout.stats.size());
  for (const KvmStatDescriptor& stat : layout.stats) {
    // In bounds: parse_stats_layout made data_size cover every stat.
    uint64_t value = 0;
    for (uint16_t i = 0; i < stat.items; ++i)
      value += load_u64(data_block, stat.data_offset + size_t{i} * sizeof(uint64_t));
    stats.push_back(KvmStat{stat.name, value});
  }
  return stats;
}

}  // namespace vmm
