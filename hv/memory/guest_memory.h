// Guest-physical memory as a set of host mappings. Every access the VMM makes
// on behalf of the guest goes through the bounds-checked accessors here: an
// address outside the guest's memory is an Error, never a host crash.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "hv/core/result.h"
#include "hv/memory/mmap_region.h"

namespace vmm {

struct GuestRegion {
  uint64_t gpa;
  MmapRegion mapping;
  bool is_ram;  // false: a device window backed by memory (shmem)

  uint64_t end() const { return gpa + mapping.size(); }
};

class GuestMemory {
 public:
  // RAM of `ram_size` bytes laid out as docs/ARCHITECTURE.md §6 says: [0, min(size, 3 GiB))
  // and the rest from 4 GiB.
  static Result<GuestMemory> create(uint64_t ram_size);

  // Adds a region (e.g. the shared-memory device); refuses overlap.
  Result<void> add_region(uint64_t gpa, MmapRegion mapping, bool is_ram);

  // A host pointer to [gpa, gpa+len) when the whole range lies inside one
  // region; the pointer stays valid for the life of this object.
  Result<uint8_t*> host_pointer(uint64_t gpa, uint64_t len) const;
  bool contains(uint64_t gpa, uint64_t len) const;

  Result<void> read(uint64_t gpa, std::span<uint8_t> out) const;
  Result<void> write(uint64_t gpa, std::span<const uint8_t> in) const;

  template <typename T>
  Result<T> read_obj(uint64_t gpa) const {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    VMM_TRY_VOID(read(gpa, std::span(reinterpret_cast<uint8_t*>(&value), sizeof(T))));
    return value;
  }
  template <typename T>
  Result<void> write_obj(uint64_t gpa, const T& value) const {
    static_assert(std::is_trivially_copyable_v<T>);
    return write(gpa, std::span(reinterpret_cast<const uint8_t*>(&value), sizeof(T)));
  }

  const std::vector<GuestRegion>& regions() const { return regions_; }
  uint64_t ram_size() const { return ram_size_; }

 private:
  const GuestRegion* find(uint64_t gpa, uint64_t len) const;

  std::vector<GuestRegion> regions_;
  uint64_t ram_size_ = 0;
};

// "256M", "2G", "4096K", "1048576" -> bytes. Rejects 0, junk and overflow.
Result<uint64_t> parse_size(const std::string& text);

}  // namespace vmm
