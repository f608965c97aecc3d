#include "vmm/cpu/cpuid.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace vmm {
namespace {

struct Topology {
  uint32_t apic_id;
  uint32_t vcpu_count;  // cores in the one package, one thread each
  uint32_t core_bits;   // width of the core field of the APIC ID
  bool amd;             // AMD APM semantics (AuthenticAMD, HygonGenuine)

  // The power of two the core field can number (SDM "maximum number of
  // addressable IDs").
  uint32_t addressable_ids() const { return 1u << core_bits; }
};

uint32_t ceil_log2(uint32_t n) {
  uint32_t bits = 0;
  while ((1u << bits) < n) ++bits;
  return bits;
}

// Writes `value` into reg[lo, lo+width), saturating: a count too large for
// its field reports the field's maximum. width < 32.
void set_field(uint32_t& reg, unsigned lo, unsigned width, uint32_t value) {
  const uint32_t max = (1u << width) - 1;
  const uint32_t mask = max << lo;
  reg = (reg & ~mask) | (std::min(value, max) << lo);
}

void set_bit(uint32_t& reg, unsigned bit, bool on) { set_field(reg, bit, 1, on ? 1 : 0); }

kvm_cpuid_entry2* find(std::vector<kvm_cpuid_entry2>& entries, uint32_t leaf, uint32_t subleaf = 0) {
  for (auto& e : entries)
    if (e.function == leaf && e.index == subleaf) return &e;
  return nullptr;
}

bool is_amd_vendor(const kvm_cpuid_entry2& leaf0) {
  // Leaf 0: vendor string in EBX, EDX, ECX.
  char vendor[12];
  std::memcpy(vendor + 0, &leaf0.ebx, 4);
  std::memcpy(vendor + 4, &leaf0.edx, 4);
  std::memcpy(vendor + 8, &leaf0.ecx, 4);
  return std::memcmp(vendor, "AuthenticAMD", 12) == 0 ||
         std::memcmp(vendor, "HygonGenuine", 12) == 0;
}

// ---- per-entry patches (applied to every subleaf of their leaf) ----

// Leaf 1 (SDM Vol. 2A Table 3-8; APM Fn0000_0001):
//   EBX[31:24] initial APIC ID
//   EBX[23:16] Intel: maximum addressable logical processor IDs in the
//              package; AMD: LogicalProcessorCount. Valid only with HTT.
//   EDX[28]    HTT: the package has more than one logical processor
//   ECX[31]    hypervisor present (reserved to hypervisors by both vendors)
void patch_features(kvm_cpuid_entry2& e, const Topology& t) {
  set_field(e.ebx, 24, 8, t.apic_id);
  set_field(e.ebx, 16, 8, t.amd ? t.vcpu_count : t.addressable_ids());
  set_bit(e.edx, 28, t.vcpu_count > 1);
  set_bit(e.ecx, 31, true);
}

// Leaf 4 (SDM Vol. 2A Table 3-8) and AMD 0x8000_001D (APM Fn8000_001D),
// one subleaf per cache:
//   EAX[4:0]   cache type, 0 = no more caches
//   EAX[7:5]   cache level
//   EAX[25:14] leaf 4: maximum addressable IDs of logical processors sharing
//              this cache - 1; 0x8000_001D: logical processors sharing it - 1
//   EAX[31:26] leaf 4 only: maximum addressable IDs of cores in the package - 1
// L1 and L2 belong to one core (one thread); L3 to the whole package.
void patch_cache_sharing(kvm_cpuid_entry2& e, const Topology& t) {
  const uint32_t type = e.eax & 0x1f;
  const uint32_t level = (e.eax >> 5) & 0x7;
  if (type == 0) return;
  const bool intel_leaf = e.function == cpuid_leaf::kCacheParameters;
  const uint32_t package = intel_leaf ? t.addressable_ids() : t.vcpu_count;
  set_field(e.eax, 14, 12, level >= 3 ? package - 1 : 0);
  if (intel_leaf) set_field(e.eax, 26, 6, t.addressable_ids() - 1);
}

// AMD 0x8000_0001 ECX[1] CmpLegacy (APM Fn8000_0001_ECX): with HTT set, the
// logical processors counted in leaf 1 are cores, not SMT threads.
void patch_cmp_legacy(kvm_cpuid_entry2& e, const Topology& t) {
  set_bit(e.ecx, 1, t.vcpu_count > 1);
}

// AMD 0x8000_0008 ECX (APM Fn8000_0008_ECX):
//   [7:0]   NC: threads in the package - 1
//   [15:12] ApicIdSize: APIC ID bits that number them (0: derive from NC)
void patch_amd_core_count(kvm_cpuid_entry2& e, const Topology& t) {
  set_field(e.ecx, 0, 8, t.vcpu_count - 1);
  set_field(e.ecx, 12, 4, t.core_bits);
}

// AMD 0x8000_001E (APM Fn8000_001E):
//   EAX       extended APIC ID
//   EBX[7:0]  core ID; EBX[15:8] threads per core - 1
//   ECX[7:0]  node ID; ECX[10:8] nodes per processor - 1
void patch_amd_extended_apic_id(kvm_cpuid_entry2& e, const Topology& t) {
  e.eax = t.apic_id;
  e.ebx = t.apic_id & 0xff;
  e.ecx = 0;
}

enum class Vendor { kAny, kAmd };

struct EntryPatch {
  uint32_t leaf;
  Vendor vendor;
  void (*apply)(kvm_cpuid_entry2&, const Topology&);
};

// A leaf absent from the host's table is left absent.
constexpr EntryPatch kEntryPatches[] = {
    {cpuid_leaf::kFeatures, Vendor::kAny, patch_features},
    {cpuid_leaf::kCacheParameters, Vendor::kAny, patch_cache_sharing},
    {cpuid_leaf::kExtendedFeatures, Vendor::kAmd, patch_cmp_legacy},
    {cpuid_leaf::kAmdSizeIdentifiers, Vendor::kAmd, patch_amd_core_count},
    {cpuid_leaf::kAmdCacheTopology, Vendor::kAny, patch_cache_sharing},
    {cpuid_leaf::kAmdExtendedApicId, Vendor::kAmd, patch_amd_extended_apic_id},
};

void apply_entry_patches(std::vector<kvm_cpuid_entry2>& entries, const Topology& t) {
  for (const EntryPatch& patch : kEntryPatches) {
    if (patch.vendor == Vendor::kAmd && !t.amd) continue;
    for (auto& e : entries)
      if (e.function == patch.leaf) patch.apply(e, t);
  }
}

// ---- whole-leaf replacements ----

// Leaf 0xB and 0x1F (SDM Vol. 2A "Extended Topology Enumeration Leaf"),
// subleaf n describes one level:
//   EAX[4:0]  bits to shift the x2APIC ID right to get the next level's ID
//   EBX[15:0] logical processors at this level within the next level up
//   ECX[7:0]  n; ECX[15:8] level type: 1 SMT, 2 core, 0 invalid (ends list)
//   EDX       x2APIC ID of this logical processor, in every subleaf
enum : uint32_t { kLevelInvalid = 0, kLevelSmt = 1, kLevelCore = 2 };

kvm_cpuid_entry2 topology_level(uint32_t leaf, uint32_t subleaf, uint32_t shift,
                                uint32_t processors, uint32_t type, uint32_t apic_id) {
  kvm_cpuid_entry2 e{};
  e.function = leaf;
  e.index = subleaf;
  e.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
  e.eax = shift;
  e.ebx = processors;
  e.ecx = subleaf | (type << 8);
  e.edx = apic_id;
  return e;
}

void replace_extended_topology(std::vector<kvm_cpuid_entry2>& entries, uint32_t leaf,
                               const Topology& t) {
  std::erase_if(entries, [leaf](const kvm_cpuid_entry2& e) { return e.function == leaf; });
  entries.push_back(topology_level(leaf, 0, 0, 1, kLevelSmt, t.apic_id));
  entries.push_back(topology_level(leaf, 1, t.core_bits, t.vcpu_count, kLevelCore, t.apic_id));
  entries.push_back(topology_level(leaf, 2, 0, 0, kLevelInvalid, t.apic_id));
}

bool has_leaf(const std::vector<kvm_cpuid_entry2>& entries, uint32_t leaf) {
  return std::any_of(entries.begin(), entries.end(),
                     [leaf](const kvm_cpuid_entry2& e) { return e.function == leaf; });
}

// Leaf 0xB is always provided (a guest finds its x2APIC ID there); the
// max basic leaf is raised to reach it if the host's is lower. Leaf 0x1F is
// rewritten only where the host has it.
void set_topology_leaves(std::vector<kvm_cpuid_entry2>& entries, const Topology& t) {
  kvm_cpuid_entry2* leaf0 = find(entries, cpuid_leaf::kVendor);
  leaf0->eax = std::max(leaf0->eax, cpuid_leaf::kExtendedTopology);
  replace_extended_topology(entries, cpuid_leaf::kExtendedTopology, t);
  if (has_leaf(entries, cpuid_leaf::kExtendedTopologyV2))
    replace_extended_topology(entries, cpuid_leaf::kExtendedTopologyV2, t);
}

// Leaf 0x4000_0000 (KVM API doc, "KVM CPUID bits"): EAX = highest
// hypervisor leaf, EBX ECX EDX = "KVMKVMKVM\0\0\0". Leaf 0x4000_0001 (the
// KVM paravirtual feature bits) stays as the host returned it.
void set_kvm_signature(std::vector<kvm_cpuid_entry2>& entries) {
  uint32_t highest = cpuid_leaf::kHypervisorSignature;
  for (const auto& e : entries)
    if (e.function > highest && e.function <= cpuid_leaf::kHypervisorSignature + 0xff)
      highest = e.function;
  kvm_cpuid_entry2* e = find(entries, cpuid_leaf::kHypervisorSignature);
  if (!e) {
    entries.push_back(kvm_cpuid_entry2{});
    e = &entries.back();
    e->function = cpuid_leaf::kHypervisorSignature;
  }
  static constexpr char kSignature[12] = {'K', 'V', 'M', 'K', 'V', 'M', 'K', 'V', 'M', 0, 0, 0};
  e->eax = std::max(e->eax, highest);
  std::memcpy(&e->ebx, kSignature + 0, 4);
  std::memcpy(&e->ecx, kSignature + 4, 4);
  std::memcpy(&e->edx, kSignature + 8, 4);
}

Result<void> check_topology(uint32_t vcpu_index, uint32_t apic_id, uint32_t vcpu_count,
                            uint32_t core_bits) {
  if (vcpu_count == 0 || vcpu_index >= vcpu_count)
    return make_error("CPUID: vCPU index " + std::to_string(vcpu_index) + " is not below the vCPU count " +
                      std::to_string(vcpu_count));
  // Leaf 1 holds an 8-bit APIC ID, and 0xff is the xAPIC broadcast ID.
  if (apic_id >= 0xff)
    return make_error("CPUID: APIC ID " + std::to_string(apic_id) + " does not fit xAPIC's 8 bits");
  if ((apic_id >> core_bits) != 0)
    return make_error("CPUID: APIC ID " + std::to_string(apic_id) + " is outside a package of " +
                      std::to_string(vcpu_count) + " vCPUs");
  return ok();
}

}  // namespace

Result<std::vector<kvm_cpuid_entry2>> build_vcpu_cpuid(std::vector<kvm_cpuid_entry2> supported,
                                                       uint32_t vcpu_index, uint32_t apic_id,
                                                       uint32_t vcpu_count) {
  const uint32_t core_bits = ceil_log2(vcpu_count);
  VMM_TRY_VOID(check_topology(vcpu_index, apic_id, vcpu_count, core_bits));
  const kvm_cpuid_entry2* leaf0 = find(supported, cpuid_leaf::kVendor);
  if (!leaf0 || !find(supported, cpuid_leaf::kFeatures))
    return make_error("CPUID: the host's supported CPUID lacks leaf 0 or 1");
  const Topology topology{apic_id, vcpu_count, core_bits, is_amd_vendor(*leaf0)};
  apply_entry_patches(supported, topology);
  set_topology_leaves(supported, topology);
  set_kvm_signature(supported);
  return supported;
}

}  // namespace vmm
