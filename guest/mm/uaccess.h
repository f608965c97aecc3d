// Copying between the kernel and user space. Every pointer a system call
// receives from user space goes through these: they check that the range
// lies in user space, open SMAP only for the copy, and turn a fault into an
// error value (exception table) instead of a kernel crash.
#pragma once

#include <stddef.h>
#include <stdint.h>

extern "C" bool g_smap_enabled;  // usercopy.S tests it before STAC/CLAC

// 0 or -EFAULT.
int64_t copy_from_user(void* dst, uint64_t user_src, size_t n);
int64_t copy_to_user(uint64_t user_dst, const void* src, size_t n);
// Copies a NUL-terminated string into dst[0..max): its length, -EFAULT, or
// -ENAMETOOLONG if no NUL is within max bytes.
int64_t strncpy_from_user(char* dst, uint64_t user_src, size_t max);

template <typename T>
int64_t get_user(T* dst, uint64_t user_src) {
  return copy_from_user(dst, user_src, sizeof(T));
}
template <typename T>
int64_t put_user(uint64_t user_dst, const T& v) {
  return copy_to_user(user_dst, &v, sizeof(T));
}
