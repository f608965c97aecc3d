#include "mm/uaccess.h"

#include "arch/x86/include/layout.h"
#include "uapi/errno.h"

extern "C" {
bool g_smap_enabled;
uint64_t user_copy(void* dst, const void* src, uint64_t n);
int64_t user_strncpy(char* dst, const char* src, uint64_t max);
}

int64_t copy_from_user(void* dst, uint64_t user_src, size_t n) {
  if (!layout::is_user_range(user_src, n)) return -err::kFault;
  return user_copy(dst, reinterpret_cast<const void*>(user_src), n) ? -err::kFault : 0;
}

int64_t copy_to_user(uint64_t user_dst, const void* src, size_t n) {
  if (!layout::is_user_range(user_dst, n)) return -err::kFault;
  return user_copy(reinterpret_cast<void*>(user_dst), src, n) ? -err::kFault : 0;
}

int64_t strncpy_from_user(char* dst, uint64_t user_src, size_t max) {
  if (max == 0) return -err::kNameTooLong;
  // The string may end anywhere: only its first byte must be in user space,
  // and the copy stops at kUserTop.
  if (!layout::is_user_address(user_src)) return -err::kFault;
  size_t limit = layout::kUserTop - user_src < max ? layout::kUserTop - user_src : max;
  int64_t n = user_strncpy(dst, reinterpret_cast<const char*>(user_src), limit);
  if (n < 0) return n;
  if (static_cast<size_t>(n) == limit) {
    // No NUL within the limit: too long, or it ran into kUserTop.
    dst[max - 1] = '\0';
    return limit == max ? -err::kNameTooLong : -err::kFault;
  }
  return n;
}
