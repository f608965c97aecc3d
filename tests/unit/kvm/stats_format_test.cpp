// The KVM binary-stats parser over crafted buffers: no KVM involved.
#include "hv/kvm/kvm_stats_format.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace vmm {
namespace {

struct StatSpec {
  std::string name;
  uint32_t flags;
  uint16_t items;
  uint32_t offset;  // bytes into the data block
};

constexpr uint32_t kNameSize = 48;  // KVM_STATS_NAME_SIZE
constexpr uint32_t kIdSize = 48;

// A stats file laid out as KVM lays it out: header, id, descriptors, data.
struct StatsFile {
  std::vector<uint8_t> bytes;
  kvm_stats_header header;

  void store_header() { std::memcpy(bytes.data(), &header, sizeof(header)); }
};

StatsFile build_file(const std::vector<StatSpec>& stats, const std::vector<uint64_t>& data) {
  StatsFile file{};
  const size_t stride = sizeof(kvm_stats_desc) + kNameSize;
  file.header.name_size = kNameSize;
  file.header.num_desc = static_cast<uint32_t>(stats.size());
  file.header.id_offset = sizeof(kvm_stats_header);
  file.header.desc_offset = file.header.id_offset + kIdSize;
  file.header.data_offset = static_cast<uint32_t>(file.header.desc_offset + stats.size() * stride);
  file.bytes.resize(file.header.data_offset + data.size() * sizeof(uint64_t));
  file.store_header();
  std::strcpy(reinterpret_cast<char*>(file.bytes.data() + file.header.id_offset), "kvm-1234/vcpu_0");
  for (size_t i = 0; i < stats.size(); ++i) {
    uint8_t* at = file.bytes.data() + file.header.desc_offset + i * stride;
    kvm_stats_desc desc{};
    desc.flags = stats[i].flags;
    desc.size = stats[i].items;
    desc.offset = stats[i].offset;
    std::memcpy(at, &desc, sizeof(desc));
    std::strncpy(reinterpret_cast<char*>(at + sizeof(desc)), stats[i].name.c_str(), kNameSize);
  }
  if (!data.empty())
    std::memcpy(file.bytes.data() + file.header.data_offset, data.data(), data.size() * 8);
  return file;
}

StatsFile typical_file() {
  return build_file(
      {
          {"exits", KVM_STATS_TYPE_CUMULATIVE, 1, 0},
          {"io_exits", KVM_STATS_TYPE_CUMULATIVE, 1, 8},
          {"guest_mode", KVM_STATS_TYPE_INSTANT | KVM_STATS_UNIT_BOOLEAN, 1, 16},
          {"halt_wait_hist", KVM_STATS_TYPE_LOG_HIST | KVM_STATS_UNIT_SECONDS, 4, 24},
      },
      {100, 7, 1, 1, 2, 3, 4});
}

Result<KvmStats> parse_and_decode(std::span<const uint8_t> file) {
  KvmStatsLayout layout = VMM_TRY(parse_stats_layout(file));
  if (layout.data_offset > file.size()) return make_error("data block outside the file");
  return decode_stats(layout, file.subspan(layout.data_offset));
}

TEST(KvmStatsFormat, ParsesDescriptorsOnce) {
  StatsFile file = typical_file();
  auto layout = parse_stats_layout(file.bytes);
  ASSERT_TRUE(layout.ok()) << layout.error().message;
  ASSERT_EQ(layout->stats.size(), 4u);
  EXPECT_EQ(layout->stats[0].name, "exits");
  EXPECT_EQ(layout->stats[3].name, "halt_wait_hist");
  EXPECT_EQ(layout->stats[3].items, 4);
  EXPECT_EQ(layout->stats[2].flags, uint32_t{KVM_STATS_TYPE_INSTANT | KVM_STATS_UNIT_BOOLEAN});
  EXPECT_EQ(layout->data_offset, file.header.data_offset);
  EXPECT_EQ(layout->data_size, 7u * 8);
}

TEST(KvmStatsFormat, CountersAreTheirItemAndHistogramsTheirSum) {
  StatsFile file = typical_file();
  auto stats = parse_and_decode(file.bytes);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  ASSERT_EQ(stats->size(), 4u);
  EXPECT_EQ((*stats)[0].name, "exits");
  EXPECT_EQ((*stats)[0].value, 100u);
  EXPECT_EQ((*stats)[1].value, 7u);
  EXPECT_EQ((*stats)[2].value, 1u);
  EXPECT_EQ((*stats)[3].value, 1u + 2 + 3 + 4);
}

TEST(KvmStatsFormat, DescriptorsEndCoversHeaderAndDescriptors) {
  StatsFile file = typical_file();
  const size_t end = stats_descriptors_end(file.header);
  EXPECT_EQ(end, file.header.data_offset);
  // The prefix alone (without the data block) parses.
  EXPECT_TRUE(parse_stats_layout(std::span(file.bytes).first(end)).ok());
}

TEST(KvmStatsFormat, EmptyStatsFileIsValid) {
  StatsFile file = build_file({}, {});
  auto stats = parse_and_decode(file.bytes);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_TRUE(stats->empty());
}

TEST(KvmStatsFormat, TruncatedHeaderIsAnError) {
  StatsFile file = typical_file();
  auto layout = parse_stats_layout(std::span(file.bytes).first(sizeof(kvm_stats_header) - 1));
  ASSERT_FALSE(layout.ok());
  EXPECT_NE(layout.error().message.find("truncated header"), std::string::npos);
}

TEST(KvmStatsFormat, TruncatedDescriptorsAreAnError) {
  StatsFile file = typical_file();
  auto layout = parse_stats_layout(std::span(file.bytes).first(file.header.data_offset - 1));
  ASSERT_FALSE(layout.ok());
  EXPECT_NE(layout.error().message.find("descriptors end"), std::string::npos);
}

TEST(KvmStatsFormat, ShortDataBlockIsAnError) {
  StatsFile file = typical_file();
  auto layout = parse_stats_layout(file.bytes);
  ASSERT_TRUE(layout.ok());
  auto data = std::span(file.bytes).subspan(file.header.data_offset);
  auto stats = decode_stats(*layout, data.first(data.size() - 1));
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.error().message.find("data block"), std::string::npos);
}

TEST(KvmStatsFormat, BogusNameSizeIsAnError) {
  for (uint32_t name_size : {0u, kKvmStatsMaxNameSize + 1, 0xffffffffu}) {
    StatsFile file = typical_file();
    file.header.name_size = name_size;
    file.store_header();
    auto layout = parse_stats_layout(file.bytes);
    ASSERT_FALSE(layout.ok()) << name_size;
    EXPECT_NE(layout.error().message.find("name_size"), std::string::npos);
  }
}

TEST(KvmStatsFormat, LargerNameSizeThanTheFileHoldsIsAnError) {
  StatsFile file = typical_file();
  file.header.name_size = kNameSize + 8;  // plausible, but runs past the buffer
  file.store_header();
  EXPECT_FALSE(parse_stats_layout(std::span(file.bytes).first(file.header.data_offset)).ok());
}

TEST(KvmStatsFormat, BogusDescriptorCountOrOffsetIsAnError) {
  StatsFile file = typical_file();
  file.header.num_desc = 0xffffffff;
  file.store_header();
  EXPECT_FALSE(parse_stats_layout(file.bytes).ok());

  file = typical_file();
  file.header.desc_offset = 0xfffffff0;
  file.store_header();
  EXPECT_FALSE(parse_stats_layout(file.bytes).ok());
}

TEST(KvmStatsFormat, BogusDataOffsetIsAnError) {
  StatsFile file = build_file({{"exits", KVM_STATS_TYPE_CUMULATIVE, 1, 0xfffffff8}}, {1});
  auto layout = parse_stats_layout(file.bytes);
  ASSERT_FALSE(layout.ok());
  EXPECT_NE(layout.error().message.find("exits"), std::string::npos);
  EXPECT_NE(layout.error().message.find("offset"), std::string::npos);
}

TEST(KvmStatsFormat, OffsetPastTheDataReadIsAnErrorAtDecode) {
  // A plausible offset whose data the caller did not supply.
  StatsFile file = build_file({{"exits", KVM_STATS_TYPE_CUMULATIVE, 2, 64}}, {1});
  auto stats = parse_and_decode(file.bytes);
  EXPECT_FALSE(stats.ok());
}

TEST(KvmStatsFormat, UnterminatedOrEmptyNameIsAnError) {
  StatsFile file = typical_file();
  std::memset(file.bytes.data() + file.header.desc_offset + sizeof(kvm_stats_desc), 'x', kNameSize);
  EXPECT_FALSE(parse_stats_layout(file.bytes).ok());

  file = build_file({{"", KVM_STATS_TYPE_CUMULATIVE, 1, 0}}, {1});
  EXPECT_FALSE(parse_stats_layout(file.bytes).ok());
}

TEST(KvmStatsFormat, ZeroItemStatIsAnError) {
  StatsFile file = build_file({{"exits", KVM_STATS_TYPE_CUMULATIVE, 0, 0}}, {1});
  EXPECT_FALSE(parse_stats_layout(file.bytes).ok());
}

// Every truncation and a few thousand random corruptions of a good file:
// the parser answers (ok or error) without reading outside the buffer. Run
// with -DVMM_SANITIZE=ON for ASan to check the "without" part.
TEST(KvmStatsFormat, NeverReadsOutsideTheBuffer) {
  const StatsFile good = typical_file();
  for (size_t n = 0; n <= good.bytes.size(); ++n) {
    std::vector<uint8_t> prefix(good.bytes.begin(), good.bytes.begin() + n);
    (void)parse_and_decode(prefix);
  }
  std::mt19937 rng(1234);
  for (int round = 0; round < 5000; ++round) {
    std::vector<uint8_t> bytes = good.bytes;
    for (int flips = 0; flips < 4; ++flips) bytes[rng() % bytes.size()] = static_cast<uint8_t>(rng());
    (void)parse_and_decode(bytes);
  }
}

}  // namespace
}  // namespace vmm
