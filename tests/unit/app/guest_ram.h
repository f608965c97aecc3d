// The guest's view of its RAM in a mocked VM: the script writes and reads
// guest-physical addresses directly, without exits, as guest code would.
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
  // Where the guest's `len` bytes at `gpa` are, for the driver ring
  // (abi/virtio/driver_ring.h) that the tests' GuestRing lays over them.
  uint8_t* pointer(uint64_t gpa, uint64_t len) const { return in_ram(gpa, len) ? base_ + gpa : nullptr; }
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
