// Parser of KVM's binary statistics format (KVM API doc, KVM_GET_STATS_FD),
// as pure functions over byte buffers so it is tested without KVM. The file
// a stats fd reads as is:
//
//   offset 0           struct kvm_stats_header
//   header.id_offset   id string (unused here)
//   header.desc_offset num_desc x { struct kvm_stats_desc; char name[name_size] }
//   header.data_offset data block: each stat is desc.size u64 items at
//                      data_offset + desc.offset (desc.offset is in bytes)
//
// The descriptors never change for the life of the fd, so they are parsed
// once; each later read is one pread of the data block and decode_stats().
// Every offset and size is checked against the buffer it indexes: a bogus
// header is an Error, never an out-of-bounds read.
#pragma once

#include "hv/kvm/kvm_uapi.h"  // <linux/kvm.h> with its C struct layout

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "hv/core/result.h"
#include "hv/kvm/kvm.h"

namespace vmm {

struct KvmStatDescriptor {
  std::string name;
  uint32_t flags;        // KVM_STATS_TYPE_* | KVM_STATS_UNIT_* | KVM_STATS_BASE_*
  uint32_t data_offset;  // bytes from the start of the data block
  uint16_t items;        // number of u64 items (1 for counters, N for histograms)
};

struct KvmStatsLayout {
  std::vector<KvmStatDescriptor> stats;
  uint32_t data_offset = 0;  // of the data block, in the file
  size_t data_size = 0;      // bytes of data block the descriptors cover
};

// sizeof(struct kvm_stats_desc) without its flexible name array.
inline constexpr size_t kKvmStatsDescFixedSize = sizeof(kvm_stats_desc);
// Sanity bounds on kernel-supplied sizes, far above what any kernel uses
// (KVM_STATS_NAME_SIZE is 48; x86 has ~60 per-vCPU stats).
inline constexpr uint32_t kKvmStatsMaxNameSize = 4096;
inline constexpr uint32_t kKvmStatsMaxDescriptors = 65536;
inline constexpr size_t kKvmStatsMaxDataSize = 1 << 20;

// The header at the start of `bytes`.
Result<kvm_stats_header> parse_stats_header(std::span<const uint8_t> bytes);

// How many bytes from the start of the file hold the header and every
// descriptor: what must be read before parse_stats_layout().
size_t stats_descriptors_end(const kvm_stats_header& header);

// Header and descriptors from `file_prefix` (the file from offset 0, at least
// stats_descriptors_end() bytes long).
Result<KvmStatsLayout> parse_stats_layout(std::span<const uint8_t> file_prefix);

// Values from one read of the data block (layout.data_size bytes from
// layout.data_offset). A stat of one item (cumulative, instant, peak) is that
// item; a stat of several items (linear/log histograms) is their SUM, i.e. the
// number of samples the histogram has counted.
Result<KvmStats> decode_stats(const KvmStatsLayout& layout, std::span<const uint8_t> data_block);

}  // namespace vmm
