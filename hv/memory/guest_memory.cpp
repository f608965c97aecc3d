#include "hv/memory/guest_memory.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "abi/platform.h"
#include "hv/core/hex.h"

namespace vmm {

namespace {

}  // namespace

Result<GuestMemory> GuestMemory::create(uint64_t ram_size) {
  if (ram_size == 0 || ram_size % platform::kPageSize != 0)
    return make_error("guest memory size must be a non-zero multiple of 4 KiB");
  GuestMemory memory;
  memory.ram_size_ = ram_size;
  uint64_t low = std::min(ram_size, platform::kLowRamLimit);
  VMM_TRY_VOID(memory.add_region(0, VMM_TRY(MmapRegion::create_anonymous(low)), true));
  if (ram_size > low) {
    VMM_TRY_VOID(memory.add_region(platform::kHighRamStart,
                                   VMM_TRY(MmapRegion::create_anonymous(ram_size - low)), true));
  }
  return memory;
}

Result<void> GuestMemory::add_region(uint64_t gpa, MmapRegion mapping, bool is_ram) {
  uint64_t size = mapping.size();
  if (gpa + size < gpa) return make_error("guest region at " + hex(gpa) + " wraps around");
  for (const auto& r : regions_) {
    if (gpa < r.end() && r.gpa < gpa + size)
      return make_error("guest region [" + hex(gpa) + ", " + hex(gpa + size) +
                        ") overlaps [" + hex(r.gpa) + ", " + hex(r.end()) + ")");
  }
  regions_.push_back(GuestRegion{gpa, std::move(mapping), is_ram});
  std::sort(regions_.begin(), regions_.end(),
            [](const GuestRegion& a, const GuestRegion& b) { return a.gpa < b.gpa; });
  return ok();
}

const GuestRegion* GuestMemory::find(uint64_t gpa, uint64_t len) const {
  if (gpa + len < gpa) return nullptr;  // wraps: never inside guest memory
  for (const auto& r : regions_) {
    if (gpa >= r.gpa && gpa + len <= r.end()) return &r;
  }
  return nullptr;
}

bool GuestMemory::contains(uint64_t gpa, uint64_t len) const { return find(gpa, len) != nullptr; }

Result<uint8_t*> GuestMemory::host_pointer(uint64_t gpa, uint64_t len) const {
  const GuestRegion* r = find(gpa, len);
  if (!r)
    return make_error("guest range [" + hex(gpa) + ", +" + std::to_string(len) +
                      ") is outside guest memory");
  return r->mapping.data() + (gpa - r->gpa);
}

Result<void> GuestMemory::read(uint64_t gpa, std::span<uint8_t> out) const {
  uint8_t* src = VMM_TRY(host_pointer(gpa, out.size()));
  std::memcpy(out.data(), src, out.size());
  return ok();
}

Result<void> GuestMemory::write(uint64_t gpa, std::span<const uint8_t> in) const {
  uint8_t* dst = VMM_TRY(host_pointer(gpa, in.size()));
  std::memcpy(dst, in.data(), in.size());
  return ok();
}

Result<uint64_t> parse_size(const std::string& text) {
  if (text.empty()) return make_error("empty size");
  uint64_t value = 0;
  size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    uint64_t digit = static_cast<uint64_t>(text[i] - '0');
    if (value > (UINT64_MAX - digit) / 10) return make_error("size '" + text + "' is too large");
    value = value * 10 + digit;
  }
  if (i == 0) return make_error("size '" + text + "' does not start with a number");
  uint64_t shift = 0;
  if (i < text.size()) {
    switch (text[i]) {
      case 'k': case 'K': shift = 10; break;
      case 'm': case 'M': shift = 20; break;
      case 'g': case 'G': shift = 30; break;
      case 't': case 'T': shift = 40; break;
      default: return make_error("size '" + text + "' has an unknown suffix");
    }
    ++i;
    if (i < text.size() && (text[i] == 'i' || text[i] == 'I')) ++i;
    if (i < text.size() && (text[i] == 'b' || text[i] == 'B')) ++i;
    if (i != text.size()) return make_error("size '" + text + "' has trailing characters");
  }
  if (shift && value > (UINT64_MAX >> shift)) return make_error("size '" + text + "' is too large");
  value <<= shift;
  if (value == 0) return make_error("size '" + text + "' is zero");
  return value;
}

}  // namespace vmm
