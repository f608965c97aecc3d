// build_vcpu_cpuid(): a pure function over tables shaped like what
// KVM_GET_SUPPORTED_CPUID returns.
#include "vmm/cpu/cpuid.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace vmm {
namespace {

kvm_cpuid_entry2 entry(uint32_t function, uint32_t index, uint32_t eax, uint32_t ebx, uint32_t ecx,
                       uint32_t edx, uint32_t flags = 0) {
  kvm_cpuid_entry2 e{};
  e.function = function;
  e.index = index;
  e.flags = flags;
  e.eax = eax;
  e.ebx = ebx;
  e.ecx = ecx;
  e.edx = edx;
  return e;
}

kvm_cpuid_entry2 vendor_leaf(uint32_t max_leaf, const char (&vendor)[13]) {
  uint32_t ebx, edx, ecx;
  std::memcpy(&ebx, vendor + 0, 4);
  std::memcpy(&edx, vendor + 4, 4);
  std::memcpy(&ecx, vendor + 8, 4);
  return entry(0, 0, max_leaf, ebx, ecx, edx);
}

constexpr uint32_t kSig = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;

// Leaf 4 / 0x8000001D EAX: type (1 data, 2 code, 3 unified) and level, with
// a host's own sharing fields (2 threads, 8 cores) that must be replaced.
uint32_t cache_eax(uint32_t type, uint32_t level) {
  return type | (level << 5) | (1u << 14) | (7u << 26);
}

// An Intel host as KVM reports it (host APIC ID 3 and 16 logical
// processors in leaf 1; one bogus leaf 0xB subleaf).
std::vector<kvm_cpuid_entry2> intel_host() {
  return {
      vendor_leaf(0x20, "GenuineIntel"),
      entry(0x1, 0, 0x000a0678, 0x03100800, 0x01202000, 0x0f8bfbff),
      entry(0x4, 0, cache_eax(1, 1), 0x02c0003f, 0x3f, 0, kSig),
      entry(0x4, 1, cache_eax(2, 1), 0x01c0003f, 0x3f, 0, kSig),
      entry(0x4, 2, cache_eax(3, 2), 0x03c0003f, 0x7ff, 0, kSig),
      entry(0x4, 3, cache_eax(3, 3), 0x0380003f, 0x1bfff, 4, kSig),
      entry(0x4, 4, 0, 0, 0, 0, kSig),
      entry(0x7, 0, 2, 0x01802042, 0x1a010104, 0xbc010400, kSig),
      entry(0xb, 0, 0, 0, 0, 3, kSig),
      entry(0x1f, 0, 0, 0, 0, 3, kSig),
      entry(0x40000000, 0, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d),
      entry(0x40000001, 0, 0x01007efb, 0, 0, 0),
      entry(0x80000000, 0, 0x80000008, 0, 0, 0),
      entry(0x80000001, 0, 0, 0, 0x101, 0x20100800),
      entry(0x80000008, 0, 0x3030, 0, 0, 0),
  };
}

std::vector<kvm_cpuid_entry2> amd_host() {
  return {
      vendor_leaf(0x10, "AuthenticAMD"),
      entry(0x1, 0, 0x00a00f11, 0x05100800, 0x7ed8320b, 0x178bfbff),
      entry(0x7, 0, 0, 0x219c91a9, 0, 0, kSig),
      entry(0xb, 0, 1, 2, 0x100, 5, kSig),
      entry(0xb, 1, 4, 16, 0x201, 5, kSig),
      entry(0x40000000, 0, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d),
      entry(0x40000001, 0, 0x01007efb, 0, 0, 0),
      entry(0x80000000, 0, 0x80000021, 0x68747541, 0x444d4163, 0x69746e65),
      entry(0x80000001, 0, 0x00a00f11, 0, 0x75c237ff, 0x2fd3fbff),
      entry(0x80000008, 0, 0x3030, 0, 0x0000700f, 0),
      entry(0x8000001d, 0, cache_eax(1, 1), 0x01c0003f, 0x3f, 0, kSig),
      entry(0x8000001d, 1, cache_eax(3, 2), 0x01c0003f, 0x3ff, 2, kSig),
      entry(0x8000001d, 2, cache_eax(3, 3), 0x03c0003f, 0x7fff, 1, kSig),
      entry(0x8000001d, 3, 0, 0, 0, 0, kSig),
      entry(0x8000001e, 0, 0, 0, 0, 0),
  };
}

const kvm_cpuid_entry2* find(const std::vector<kvm_cpuid_entry2>& table, uint32_t leaf,
                             uint32_t subleaf = 0) {
  for (const auto& e : table)
    if (e.function == leaf && e.index == subleaf) return &e;
  return nullptr;
}

size_t count_subleaves(const std::vector<kvm_cpuid_entry2>& table, uint32_t leaf) {
  size_t n = 0;
  for (const auto& e : table) n += e.function == leaf;
  return n;
}

uint32_t bits(uint32_t reg, unsigned lo, unsigned width) { return (reg >> lo) & ((1u << width) - 1); }

std::vector<kvm_cpuid_entry2> build(std::vector<kvm_cpuid_entry2> host, uint32_t index,
                                    uint32_t count) {
  auto table = build_vcpu_cpuid(std::move(host), index, index, count);
  EXPECT_TRUE(table.ok()) << table.error().message;
  return table.ok() ? *table : std::vector<kvm_cpuid_entry2>{};
}

TEST(BuildVcpuCpuid, EachVcpuHasItsOwnApicIdInLeaf1And0xBAnd0x1F) {
  for (uint32_t i = 0; i < 4; ++i) {
    auto table = build(intel_host(), i, 4);
    EXPECT_EQ(bits(find(table, 0x1)->ebx, 24, 8), i);
    for (uint32_t leaf : {0xbu, 0x1fu}) {
      ASSERT_EQ(count_subleaves(table, leaf), 3u) << std::hex << leaf;
      for (uint32_t sub = 0; sub < 3; ++sub) EXPECT_EQ(find(table, leaf, sub)->edx, i);
    }
  }
}

TEST(BuildVcpuCpuid, ExtendedTopologyIsOneThreadPerCoreOnePackage) {
  auto table = build(intel_host(), 2, 5);
  const auto* smt = find(table, 0xb, 0);
  const auto* core = find(table, 0xb, 1);
  const auto* end = find(table, 0xb, 2);
  // SMT level: no APIC ID bits, one thread.
  EXPECT_EQ(bits(smt->eax, 0, 5), 0u);
  EXPECT_EQ(bits(smt->ebx, 0, 16), 1u);
  EXPECT_EQ(smt->ecx, 0u | (1u << 8));
  // Core level: 5 cores need 3 APIC ID bits; 5 logical processors.
  EXPECT_EQ(bits(core->eax, 0, 5), 3u);
  EXPECT_EQ(bits(core->ebx, 0, 16), 5u);
  EXPECT_EQ(core->ecx, 1u | (2u << 8));
  // Then the invalid level that ends the list.
  EXPECT_EQ(end->eax, 0u);
  EXPECT_EQ(end->ebx, 0u);
  EXPECT_EQ(end->ecx, 2u);
  for (const auto* e : {smt, core, end}) EXPECT_EQ(e->flags, kSig);
}

TEST(BuildVcpuCpuid, Leaf1CountsAndHtt) {
  auto four = build(intel_host(), 0, 4);
  EXPECT_EQ(bits(find(four, 0x1)->ebx, 16, 8), 4u);
  EXPECT_EQ(bits(find(four, 0x1)->edx, 28, 1), 1u);
  // Intel: addressable IDs, a power of two; AMD: the count itself.
  EXPECT_EQ(bits(find(build(intel_host(), 0, 3), 0x1)->ebx, 16, 8), 4u);
  EXPECT_EQ(bits(find(build(amd_host(), 0, 3), 0x1)->ebx, 16, 8), 3u);
  auto one = build(intel_host(), 0, 1);
  EXPECT_EQ(bits(find(one, 0x1)->ebx, 16, 8), 1u);
  EXPECT_EQ(bits(find(one, 0x1)->edx, 28, 1), 0u);
  // The rest of leaf 1 is the host's.
  EXPECT_EQ(find(one, 0x1)->eax, 0x000a0678u);
  EXPECT_EQ(bits(find(one, 0x1)->ebx, 0, 16), 0x0800u);
}

TEST(BuildVcpuCpuid, HypervisorBitAndKvmSignature) {
  auto table = build(intel_host(), 0, 2);
  EXPECT_EQ(bits(find(table, 0x1)->ecx, 31, 1), 1u);
  const auto* sig = find(table, 0x40000000);
  ASSERT_TRUE(sig);
  char text[12];
  std::memcpy(text + 0, &sig->ebx, 4);
  std::memcpy(text + 4, &sig->ecx, 4);
  std::memcpy(text + 8, &sig->edx, 4);
  EXPECT_EQ(std::memcmp(text, "KVMKVMKVM\0\0\0", 12), 0);
  EXPECT_EQ(sig->eax, 0x40000001u);
  EXPECT_EQ(find(table, 0x40000001)->eax, 0x01007efbu);  // as the host said
}

TEST(BuildVcpuCpuid, SignatureIsAddedWhenTheHostHasNone) {
  auto host = intel_host();
  std::erase_if(host, [](const kvm_cpuid_entry2& e) { return e.function == 0x40000000; });
  auto table = build(host, 0, 1);
  const auto* sig = find(table, 0x40000000);
  ASSERT_TRUE(sig);
  EXPECT_EQ(sig->ebx, 0x4b4d564bu);  // "KVMK"
  EXPECT_EQ(sig->eax, 0x40000001u);
}

TEST(BuildVcpuCpuid, Leaf4CacheSharingMatchesTheTopology) {
  auto table = build(intel_host(), 1, 4);
  for (uint32_t sub = 0; sub < 4; ++sub) {
    const auto* e = find(table, 0x4, sub);
    const uint32_t level = bits(e->eax, 5, 3);
    EXPECT_EQ(bits(e->eax, 26, 6), 3u) << "cores in package - 1";
    EXPECT_EQ(bits(e->eax, 14, 12), level == 3 ? 3u : 0u) << "sharing, level " << level;
    EXPECT_EQ(bits(e->eax, 0, 8), bits(intel_host()[2 + sub].eax, 0, 8)) << "type/level kept";
  }
  EXPECT_EQ(find(table, 0x4, 4)->eax, 0u);  // the terminating subleaf stays empty
}

TEST(BuildVcpuCpuid, AmdLeaves) {
  auto table = build(amd_host(), 2, 3);
  EXPECT_EQ(bits(find(table, 0x80000001)->ecx, 1, 1), 1u);  // CmpLegacy
  const auto* sizes = find(table, 0x80000008);
  EXPECT_EQ(bits(sizes->ecx, 0, 8), 2u);    // NC = 3 - 1
  EXPECT_EQ(bits(sizes->ecx, 12, 4), 2u);   // ApicIdSize: 3 cores need 2 bits
  const auto* ext = find(table, 0x8000001e);
  EXPECT_EQ(ext->eax, 2u);
  EXPECT_EQ(bits(ext->ebx, 0, 8), 2u);
  EXPECT_EQ(bits(ext->ebx, 8, 8), 0u);  // one thread per core
  EXPECT_EQ(ext->ecx, 0u);
  EXPECT_EQ(bits(find(table, 0x8000001d, 0)->eax, 14, 12), 0u);
  EXPECT_EQ(bits(find(table, 0x8000001d, 1)->eax, 14, 12), 0u);
  EXPECT_EQ(bits(find(table, 0x8000001d, 2)->eax, 14, 12), 2u);  // L3: 3 sharers - 1
  // The host's two 0xB subleaves become ours; 0x1F is not invented.
  EXPECT_EQ(count_subleaves(table, 0xb), 3u);
  EXPECT_EQ(find(table, 0xb, 1)->ebx, 3u);
  EXPECT_EQ(count_subleaves(table, 0x1f), 0u);
}

TEST(BuildVcpuCpuid, AmdSingleVcpuHasNoCmpLegacy) {
  auto table = build(amd_host(), 0, 1);
  EXPECT_EQ(bits(find(table, 0x80000001)->ecx, 1, 1), 0u);
  EXPECT_EQ(bits(find(table, 0x80000008)->ecx, 0, 8), 0u);
}

TEST(BuildVcpuCpuid, IntelKeepsItsExtendedLeaves) {
  auto table = build(intel_host(), 1, 4);
  EXPECT_EQ(find(table, 0x80000001)->ecx, 0x101u);
  EXPECT_EQ(find(table, 0x80000008)->ecx, 0u);
}

TEST(BuildVcpuCpuid, RaisesMaxBasicLeafToReach0xB) {
  auto host = intel_host();
  host[0].eax = 0x7;
  std::erase_if(host, [](const kvm_cpuid_entry2& e) { return e.function == 0xb; });
  auto table = build(host, 0, 2);
  EXPECT_EQ(find(table, 0)->eax, 0xbu);
  EXPECT_EQ(count_subleaves(table, 0xb), 3u);
  // A higher max leaf is kept.
  EXPECT_EQ(find(build(intel_host(), 0, 2), 0)->eax, 0x20u);
}

TEST(BuildVcpuCpuid, UnrelatedLeavesAreUntouched) {
  auto host = intel_host();
  auto table = build(host, 3, 4);
  const auto* leaf7 = find(table, 0x7);
  EXPECT_EQ(std::memcmp(leaf7, find(host, 0x7), sizeof(*leaf7)), 0);
  EXPECT_EQ(std::memcmp(find(table, 0x40000001), find(host, 0x40000001), sizeof(*leaf7)), 0);
}

TEST(BuildVcpuCpuid, RejectsTopologiesItCannotExpress) {
  EXPECT_FALSE(build_vcpu_cpuid(intel_host(), 0, 0, 0).ok());   // no vCPUs
  EXPECT_FALSE(build_vcpu_cpuid(intel_host(), 4, 4, 4).ok());   // index out of range
  EXPECT_FALSE(build_vcpu_cpuid(intel_host(), 0, 4, 4).ok());   // APIC ID outside package
  EXPECT_FALSE(build_vcpu_cpuid(intel_host(), 0, 255, 255).ok());  // xAPIC broadcast ID
  auto no_leaf1 = intel_host();
  std::erase_if(no_leaf1, [](const kvm_cpuid_entry2& e) { return e.function == 1; });
  auto error = build_vcpu_cpuid(no_leaf1, 0, 0, 1);
  ASSERT_FALSE(error.ok());
  EXPECT_NE(error.error().message.find("leaf 0 or 1"), std::string::npos);
}

}  // namespace
}  // namespace vmm
