// Shared pieces of the fuzz targets: a reader that turns the fuzzer's bytes
// into values front to back (so seeds can be written by hand, see
// make_seeds.py), guest memory with unmapped guard pages around each region,
// and a check that reports a broken invariant as a crash.
#pragma once

#include <spdlog/spdlog.h>
#include <sys/mman.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <string>

#include "hv/memory/guest_memory.h"

namespace vmm::fuzz {

// Reads little-endian values from the front; past the end every value is 0,
// so any input is a valid program and the fuzzer never wastes effort on
// framing.
class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> data) : data_(data) {}

  bool empty() const { return at_ >= data_.size(); }
  size_t remaining() const { return empty() ? 0 : data_.size() - at_; }

  template <typename T>
  T take() {
    T value{};
    size_t n = std::min(sizeof(T), remaining());
    if (n) std::memcpy(&value, data_.data() + at_, n);
    at_ += sizeof(T);
    return value;
  }
  uint8_t u8() { return take<uint8_t>(); }
  uint16_t u16() { return take<uint16_t>(); }
  uint32_t u32() { return take<uint32_t>(); }
  uint64_t u64() { return take<uint64_t>(); }
  bool flag() { return u8() & 1; }

  // Up to `max` bytes (fewer at the end of the input).
  std::span<const uint8_t> bytes(size_t max) {
    size_t n = std::min(max, remaining());
    auto out = data_.subspan(empty() ? data_.size() : at_, n);
    at_ += n;
    return out;
  }
  std::span<const uint8_t> rest() { return bytes(remaining()); }

 private:
  std::span<const uint8_t> data_;
  size_t at_ = 0;
};

// A broken invariant of the code under test: crash, so libFuzzer keeps the
// input and the report says which check failed.
#define FUZZ_CHECK(cond)                                                      \
  do {                                                                        \
    if (!(cond)) {                                                            \
      std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s:%d)\n", #cond, __FILE__, \
                   __LINE__);                                                 \
      std::abort();                                                           \
    }                                                                         \
  } while (0)

// FUZZ_VERBOSE=1 in the environment: each target prints what one input made
// the code do (frames sent, chains popped, ...), to check that seeds reach
// the paths they were written for.
inline bool verbose() {
  static const bool on = std::getenv("FUZZ_VERBOSE") != nullptr;
  return on;
}

// The targets are run millions of times; a log line per bad input would be
// most of the time spent.
inline void quiet_logs() { spdlog::set_level(spdlog::level::off); }

// Maps PROT_NONE pages right before and after [data, data+size) where nothing
// is mapped yet, so that an access just outside a guest region faults instead
// of silently landing in a neighbouring mapping (ASan has no redzones around
// mmap). Best effort: a neighbour that is already mapped stays as it is.
inline void guard_mapping(uint8_t* data, size_t size) {
  constexpr size_t kGuard = 16 * 4096;
  void* before = mmap(data - kGuard, kGuard, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  void* after = mmap(data + size, kGuard, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  (void)before;  // MAP_FAILED when the range was taken: no guard there
  (void)after;
}

// Guest memory for the virtio targets: two RAM regions that touch in guest-
// physical space but not on the host, [0, kRegionSize) and [kRegionSize,
// 2*kRegionSize), so a buffer that spans them must be refused (GuestMemory
// hands out pointers into one region only). Created once per process;
// reset() zeroes it before each input.
class FuzzGuestMemory {
 public:
  static constexpr uint64_t kRegionSize = 0x10000;
  static constexpr uint64_t kSpan = 2 * kRegionSize;

  static FuzzGuestMemory& instance() {
    static FuzzGuestMemory memory;
    return memory;
  }
  // The memory, zeroed: what each input starts from.
  static const FuzzGuestMemory& fresh() {
    const FuzzGuestMemory& memory = instance();
    memory.reset();
    return memory;
  }

  const GuestMemory& memory() const { return *memory_; }

  void reset() const {
    for (const GuestRegion& r : memory_->regions()) std::memset(r.mapping.data(), 0, r.mapping.size());
  }

  // Copies `bytes` to `gpa`, clipped to the region holding gpa (the driver
  // can write anywhere in its RAM; outside it, nothing happens).
  void patch(uint64_t gpa, std::span<const uint8_t> bytes) const {
    for (const GuestRegion& r : memory_->regions()) {
      if (gpa < r.gpa || gpa >= r.end()) continue;
      size_t n = std::min<uint64_t>(bytes.size(), r.end() - gpa);
      std::memcpy(r.mapping.data() + (gpa - r.gpa), bytes.data(), n);
    }
  }
  template <typename T>
  void put(uint64_t gpa, const T& value) const {
    patch(gpa, std::span(reinterpret_cast<const uint8_t*>(&value), sizeof value));
  }

 private:
  FuzzGuestMemory() {
    auto memory = GuestMemory::create(kRegionSize);
    if (!memory.ok()) std::abort();
    memory_ = std::make_unique<GuestMemory>(std::move(*memory));
    // Guards first: the kernel would otherwise place the second mapping
    // right against the first, and an overrun would go unnoticed.
    const GuestRegion& first = memory_->regions().front();
    guard_mapping(first.mapping.data(), first.mapping.size());
    auto second = MmapRegion::create_anonymous(kRegionSize);
    if (!second.ok()) std::abort();
    guard_mapping(second->data(), second->size());
    if (!memory_->add_region(kRegionSize, std::move(*second), true).ok()) std::abort();
  }

  std::unique_ptr<GuestMemory> memory_;
};

}  // namespace vmm::fuzz
