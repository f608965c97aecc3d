#include "mm/shm_region.h"

#include "abi/platform.h"
#include "arch/x86/include/layout.h"
#include "boot/cmdline.h"
#include "lib/kstring.h"

namespace shm {

bool region_from_cmdline(Region* out) {
  Str v;
  if (!cmdline::get("shmem", &v)) return false;
  size_t at = v.find('@');
  uint64_t size, phys;
  if (at == v.len || !parse_u64(v.substr(0, at), &size) || !parse_u64(v.substr(at + 1), &phys)) {
    return false;
  }
  if (size == 0 || phys % layout::kPageSize != 0 || phys + size < phys) return false;
  *out = {phys, size};
  return true;
}

namespace {

bool overlaps(uint64_t a, uint64_t a_len, uint64_t b, uint64_t b_len) {
  return a < b + b_len && b < a + a_len;
}

}  // namespace

bool write_back_page(const Region* region, uint64_t phys) {
  if (region == nullptr) return false;
  constexpr uint64_t kPage = layout::kLargePageSize;
  if (!overlaps(phys, kPage, region->phys, region->size)) return false;
  // Device registers must stay uncached (SDM vol 3, 11.3: memory-mapped I/O
  // needs UC): refuse a 2 MiB page that also holds any of them.
  uint64_t virtio_len = uint64_t{abi::kVirtioMmioStride} * abi::kVirtioMmioMaxDevices;
  if (overlaps(phys, kPage, abi::kVirtioMmioBase, virtio_len)) return false;
  if (overlaps(phys, kPage, abi::kIoapicGpa, abi::kPageSize)) return false;
  if (overlaps(phys, kPage, abi::kLapicGpa, abi::kPageSize)) return false;
  return true;
}

}  // namespace shm
