#include "vmm/acpi/acpi_tables.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <optional>
#include <vector>

#include "abi/platform.h"
#include "tests/unit/acpi/acpi_reader.h"

namespace vmm {
namespace {

using test::byte_sum;
using test::field;
using test::MadtEntry;

constexpr uint8_t kLocalApic = 0, kIoApic = 1, kSourceOverride = 2, kLocalApicNmi = 4,
                  kLocalX2Apic = 9, kLocalX2ApicNmi = 10;

AcpiConfig config_with_ids(uint32_t count) {
  AcpiConfig config;
  config.apic_ids.resize(count);
  std::iota(config.apic_ids.begin(), config.apic_ids.end(), 0u);
  return config;
}

std::vector<MadtEntry> entries_of_type(const std::vector<MadtEntry>& all, uint8_t type) {
  std::vector<MadtEntry> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out),
               [&](const MadtEntry& e) { return e.type == type; });
  return out;
}

// Written tables, read back by following the pointers from the RSDP that a
// legacy scan finds.
class AcpiTablesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = GuestMemory::create(16 << 20);
    ASSERT_TRUE(created.ok());
    memory_.emplace(std::move(created).value());
  }

  void write_and_read_back(const AcpiConfig& config) {
    auto rsdp = write_acpi_tables(*memory_, config);
    ASSERT_TRUE(rsdp.ok()) << rsdp.error().message;
    auto found = test::scan_for_rsdp(*memory_);
    ASSERT_TRUE(found.has_value()) << "no RSDP found by the legacy scan";
    EXPECT_EQ(*found, *rsdp);
    EXPECT_EQ(*rsdp, platform::kAcpiTablesGpa);
    rsdp_.resize(36);  // not a table: no header Length to size it by
    ASSERT_TRUE(memory_->read(*rsdp, rsdp_).ok());
    xsdt_ = test::read_table(*memory_, field<uint64_t>(rsdp_, 24));
    for (uint64_t gpa : test::xsdt_entries(xsdt_)) {
      auto table = test::read_table(*memory_, gpa);
      if (test::signature_of(table) == "FACP") fadt_ = table;
      if (test::signature_of(table) == "APIC") madt_ = table;
    }
    ASSERT_FALSE(fadt_.empty()) << "XSDT does not list a FADT";
    ASSERT_FALSE(madt_.empty()) << "XSDT does not list a MADT";
    dsdt_ = test::read_table(*memory_, field<uint64_t>(fadt_, 140));
    madt_entries_ = test::madt_entries(madt_);
  }

  void expect_valid_header(const std::vector<uint8_t>& table, const char* signature,
                           uint8_t revision) {
    ASSERT_GE(table.size(), 36u);
    EXPECT_EQ(test::signature_of(table), signature);
    EXPECT_EQ(field<uint32_t>(table, 4), table.size());
    EXPECT_EQ(table[8], revision) << signature;
    EXPECT_EQ(byte_sum(table), 0) << signature << " checksum";
    EXPECT_EQ(std::string(table.begin() + 10, table.begin() + 16), "VMMKVM");
  }

  // Exactly one enabled local APIC entry (xAPIC or x2APIC form) per vCPU,
  // in order, with UID = index and the configured APIC ID.
  void expect_one_lapic_per_vcpu(const std::vector<uint32_t>& apic_ids) {
    std::vector<std::pair<uint32_t, uint32_t>> uid_and_id;
    for (const auto& e : madt_entries_) {
      if (e.type == kLocalApic) {
        ASSERT_EQ(e.bytes.size(), 8u);
        EXPECT_EQ(field<uint32_t>(e.bytes, 4), 1u) << "enabled";
        uid_and_id.emplace_back(e.bytes[2], e.bytes[3]);
      } else if (e.type == kLocalX2Apic) {
        ASSERT_EQ(e.bytes.size(), 16u);
        EXPECT_EQ(field<uint32_t>(e.bytes, 8), 1u) << "enabled";
        uid_and_id.emplace_back(field<uint32_t>(e.bytes, 12), field<uint32_t>(e.bytes, 4));
      }
    }
    ASSERT_EQ(uid_and_id.size(), apic_ids.size());
    for (size_t i = 0; i < apic_ids.size(); ++i) {
      EXPECT_EQ(uid_and_id[i].first, i);
      EXPECT_EQ(uid_and_id[i].second, apic_ids[i]);
    }
  }

  std::optional<GuestMemory> memory_;
  std::vector<uint8_t> rsdp_, xsdt_, fadt_, madt_, dsdt_;
  std::vector<MadtEntry> madt_entries_;
};

class AcpiTablesForVcpus : public AcpiTablesTest, public ::testing::WithParamInterface<uint32_t> {};

TEST_P(AcpiTablesForVcpus, RsdpIsRevisionTwoWithBothChecksums) {
  write_and_read_back(config_with_ids(GetParam()));
  EXPECT_EQ(rsdp_[15], 2);
  EXPECT_EQ(byte_sum(std::span(rsdp_).first(20)), 0);
  EXPECT_EQ(byte_sum(rsdp_), 0);
  EXPECT_EQ(field<uint32_t>(rsdp_, 20), 36u);
  EXPECT_EQ(platform::kAcpiTablesGpa % 16, 0u);
}

TEST_P(AcpiTablesForVcpus, XsdtListsFadtAndMadtWithValidHeaders) {
  write_and_read_back(config_with_ids(GetParam()));
  expect_valid_header(xsdt_, "XSDT", 1);
  EXPECT_EQ(test::xsdt_entries(xsdt_).size(), 2u);
  expect_valid_header(fadt_, "FACP", 6);
  expect_valid_header(madt_, "APIC", 6);
  expect_valid_header(dsdt_, "DSDT", 2);
  for (uint64_t gpa : test::xsdt_entries(xsdt_)) {
    EXPECT_GE(gpa, platform::kAcpiTablesGpa);
    EXPECT_LT(gpa, platform::kAcpiTablesEnd);
  }
}

TEST_P(AcpiTablesForVcpus, MadtHasOneEnabledLapicPerVcpuIoapicAndOverrides) {
  AcpiConfig config = config_with_ids(GetParam());
  write_and_read_back(config);
  EXPECT_EQ(field<uint32_t>(madt_, 36), platform::kLapicGpa);
  EXPECT_EQ(field<uint32_t>(madt_, 40), 1u) << "PCAT_COMPAT";
  size_t entry_bytes = 0;
  for (const auto& e : madt_entries_) entry_bytes += e.bytes.size();
  EXPECT_EQ(44 + entry_bytes, madt_.size()) << "entries must exactly fill the MADT";

  expect_one_lapic_per_vcpu(config.apic_ids);
  EXPECT_TRUE(entries_of_type(madt_entries_, kLocalX2Apic).empty());

  auto ioapics = entries_of_type(madt_entries_, kIoApic);
  ASSERT_EQ(ioapics.size(), 1u);
  EXPECT_EQ(ioapics[0].bytes[2], GetParam()) << "I/O APIC ID: first free, here N";
  EXPECT_EQ(field<uint32_t>(ioapics[0].bytes, 4), platform::kIoapicGpa);
  EXPECT_EQ(field<uint32_t>(ioapics[0].bytes, 8), 0u) << "GSI base";

  auto overrides = entries_of_type(madt_entries_, kSourceOverride);
  ASSERT_EQ(overrides.size(), 1u);
  EXPECT_EQ(overrides[0].bytes[2], 0) << "bus ISA";
  EXPECT_EQ(overrides[0].bytes[3], 0) << "source IRQ 0 (PIT)";
  EXPECT_EQ(field<uint32_t>(overrides[0].bytes, 4), 2u) << "GSI 2";
  EXPECT_EQ(field<uint16_t>(overrides[0].bytes, 8), 0u) << "flags: conforms to ISA";

  auto nmis = entries_of_type(madt_entries_, kLocalApicNmi);
  ASSERT_EQ(nmis.size(), 1u);
  EXPECT_EQ(nmis[0].bytes[2], 0xFF) << "all processors";
  EXPECT_EQ(nmis[0].bytes[5], 1) << "LINT1";
  EXPECT_TRUE(entries_of_type(madt_entries_, kLocalX2ApicNmi).empty());
}

TEST_P(AcpiTablesForVcpus, FadtIsHardwareReducedWithSleepRegisters) {
  write_and_read_back(config_with_ids(GetParam()));
  ASSERT_EQ(fadt_.size(), 276u);
  EXPECT_EQ(field<uint32_t>(fadt_, 112) & (1u << 20), 1u << 20) << "HW_REDUCED_ACPI";
  EXPECT_EQ(fadt_[131], 5) << "minor version";
  EXPECT_EQ(field<uint32_t>(fadt_, 36), 0u) << "no FACS";
  EXPECT_EQ(field<uint32_t>(fadt_, 40), 0u) << "32-bit DSDT unused";
  EXPECT_EQ(field<uint16_t>(fadt_, 46), 0u) << "no SCI";
  uint64_t x_dsdt = field<uint64_t>(fadt_, 140);
  EXPECT_EQ(test::signature_of(test::read_table(*memory_, x_dsdt)), "DSDT");
  const uint8_t control[12] = {1, 8, 0, 1, 0x00, 0x06, 0, 0, 0, 0, 0, 0};
  const uint8_t status[12] = {1, 8, 0, 1, 0x01, 0x06, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(std::memcmp(&fadt_[244], control, 12), 0) << "SLEEP_CONTROL_REG: I/O 0x600, 8 bit";
  EXPECT_EQ(std::memcmp(&fadt_[256], status, 12), 0) << "SLEEP_STATUS_REG: I/O 0x601, 8 bit";
  EXPECT_EQ(field<uint64_t>(fadt_, 244 + 4), platform::kAcpiSleepControlPort);
  EXPECT_EQ(field<uint64_t>(fadt_, 256 + 4), platform::kAcpiSleepStatusPort);
}

TEST_P(AcpiTablesForVcpus, DsdtDeclaresS5WithSleepTypeFive) {
  write_and_read_back(config_with_ids(GetParam()));
  // Name (_S5, Package () { 5, 0, 0, 0 }) with BytePrefix integers.
  const std::vector<uint8_t> s5 = {0x08, 0x5F, 0x53, 0x35, 0x5F, 0x12, 0x0A, 0x04,
                                   0x0A, 0x05, 0x0A, 0x00, 0x0A, 0x00, 0x0A, 0x00};
  auto at = std::search(dsdt_.begin() + 36, dsdt_.end(), s5.begin(), s5.end());
  ASSERT_NE(at, dsdt_.end()) << "no \\_S5 package in the DSDT";
  EXPECT_EQ(at + s5.size(), dsdt_.end()) << "the AML body is exactly the _S5 declaration";
  EXPECT_EQ(at[9], platform::kSleepTypeS5);
}

INSTANTIATE_TEST_SUITE_P(VcpuCounts, AcpiTablesForVcpus, ::testing::Values(1u, 4u, 255u));

TEST_F(AcpiTablesTest, LargeApicIdsGetX2ApicEntries) {
  AcpiConfig config{{0, 1, 255, 4096}};
  write_and_read_back(config);
  expect_one_lapic_per_vcpu(config.apic_ids);
  EXPECT_EQ(entries_of_type(madt_entries_, kLocalApic).size(), 2u);
  EXPECT_EQ(entries_of_type(madt_entries_, kLocalX2Apic).size(), 2u);
  auto x2nmi = entries_of_type(madt_entries_, kLocalX2ApicNmi);
  ASSERT_EQ(x2nmi.size(), 1u);
  EXPECT_EQ(field<uint32_t>(x2nmi[0].bytes, 4), 0xFFFFFFFFu) << "all processors";
  EXPECT_EQ(x2nmi[0].bytes[8], 1) << "LINT1";
  EXPECT_EQ(entries_of_type(madt_entries_, kIoApic)[0].bytes[2], 2) << "I/O APIC ID";
}

TEST_F(AcpiTablesTest, ProcessorUidsPast254UseX2ApicEntries) {
  AcpiConfig config = config_with_ids(1024);
  write_and_read_back(config);
  expect_one_lapic_per_vcpu(config.apic_ids);
  EXPECT_EQ(entries_of_type(madt_entries_, kLocalApic).size(), 255u);
  EXPECT_EQ(entries_of_type(madt_entries_, kLocalX2Apic).size(), 1024u - 255u);
}

TEST_F(AcpiTablesTest, IoapicIdAvoidsSparseLapicIds) {
  write_and_read_back(AcpiConfig{{0, 2, 4, 6}});
  EXPECT_EQ(entries_of_type(madt_entries_, kIoApic)[0].bytes[2], 1);
}

TEST_F(AcpiTablesTest, RefusesTooManyVcpusForTheWindowAndWritesNothing) {
  auto written = write_acpi_tables(*memory_, config_with_ids(20000));
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.error().message.find("ACPI tables for 20000 vCPUs need"), std::string::npos)
      << written.error().message;
  EXPECT_FALSE(test::scan_for_rsdp(*memory_).has_value());
  auto absurd = write_acpi_tables(*memory_, config_with_ids(1u << 18));
  ASSERT_FALSE(absurd.ok());
  EXPECT_NE(absurd.error().message.find("do not fit"), std::string::npos);
}

TEST_F(AcpiTablesTest, RefusesNoVcpusAndDuplicateApicIds) {
  auto none = write_acpi_tables(*memory_, AcpiConfig{});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "ACPI tables need at least one vCPU");
  auto twice = write_acpi_tables(*memory_, AcpiConfig{{0, 3, 1, 3}});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().message, "APIC ID 3 is given to two vCPUs");
}

TEST(AcpiTablesSmallGuest, RefusesGuestWithoutTheBiosArea) {
  auto memory = GuestMemory::create(512 << 10);
  ASSERT_TRUE(memory.ok());
  EXPECT_FALSE(write_acpi_tables(*memory, config_with_ids(1)).ok());
}

}  // namespace
}  // namespace vmm
