// The guest's view of its RAM in a mocked VM: the script writes and reads
// guest-physical addresses directly, without exits, as guest code would.
// Ring indices go through the atomic builtins, with the ordering a driver
// uses (virtio 1.2 §2.7.13: entries before the index, release).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <type_traits>

namespace vmm::testing {

class GuestRam {
 public:
  GuestRam(uint8_t* base, uint64_t size) : base_(base), size_(size) {}

  template <typename T>
  void put(uint64_t gpa, const T& value) const {
    static_assert(std::is_trivially_copyable_v<T>);
    if (in_ram(gpa, sizeof(T))) std::memcpy(base_ + gpa, &value, sizeof(T));
  }
  template <typename T>
  T get(uint64_t gpa) const {
    T value{};
    if (in_ram(gpa, sizeof(T))) std::memcpy(&value, base_ + gpa, sizeof(T));
    return value;
  }
  void store_u16_release(uint64_t gpa, uint16_t value) const {
    if (in_ram(gpa, 2)) __atomic_store_n(reinterpret_cast<uint16_t*>(base_ + gpa), value, __ATOMIC_RELEASE);
  }
  uint16_t load_u16_acquire(uint64_t gpa) const {
    if (!in_ram(gpa, 2)) return 0;
    return __atomic_load_n(reinterpret_cast<const uint16_t*>(base_ + gpa), __ATOMIC_ACQUIRE);
  }
  uint64_t size() const { return size_; }

 private:
  // The script's own mistakes fail the test; they never write past RAM.
  bool in_ram(uint64_t gpa, uint64_t len) const {
    bool inside = gpa <= size_ && len <= size_ - gpa;
    EXPECT_TRUE(inside) << "the test script touched " << gpa << " outside its RAM";
    return inside;
  }

  uint8_t* base_;
  uint64_t size_;
};

}  // namespace vmm::testing
