// The compiler may turn loops and struct copies into calls to these even
// with -ffreestanding (GCC manual, "Standards": memcpy, memmove, memset,
// memcmp must be provided), so they must exist with C linkage.
#include "lib/kstring.h"

// Eight bytes per iteration, then the tail: string instructions are fast on
// hardware, and under a hypervisor that emulates kernel code each
// iteration is one emulated step, so fewer, wider iterations win by far.
extern "C" void* memcpy(void* dst, const void* src, size_t n) {
  void* d = dst;
  size_t words = n / 8, tail = n % 8;
  asm volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(words)::"memory");
  asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(tail)::"memory");
  return dst;
}

extern "C" void* memmove(void* dst, const void* src, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  auto* s = static_cast<const unsigned char*>(src);
  if (d <= s || d >= s + n) {
    for (size_t i = 0; i < n; ++i) d[i] = s[i];
  } else {
    for (size_t i = n; i > 0; --i) d[i - 1] = s[i - 1];
  }
  return dst;
}

extern "C" void* memset(void* dst, int c, size_t n) {
  void* d = dst;
  size_t words = n / 8, tail = n % 8;
  uint64_t pattern = 0x0101010101010101ull * static_cast<uint8_t>(c);
  asm volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
  asm volatile("rep stosb" : "+D"(d), "+c"(tail) : "a"(pattern) : "memory");
  return dst;
}

extern "C" int memcmp(const void* a, const void* b, size_t n) {
  auto* x = static_cast<const unsigned char*>(a);
  auto* y = static_cast<const unsigned char*>(b);
  for (size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

extern "C" size_t strlen(const char* s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}

static int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 99;
}

static uint64_t suffix_multiplier(char c) {
  switch (c) {
    case 'k': case 'K': return 1ull << 10;
    case 'm': case 'M': return 1ull << 20;
    case 'g': case 'G': return 1ull << 30;
    default: return 0;
  }
}

bool parse_u64(Str s, uint64_t* out) {
  uint64_t base = 10;
  if (s.starts_with("0x") || s.starts_with("0X")) {
    base = 16;
    s = s.substr(2);
  }
  uint64_t mult = 1;
  if (!s.empty() && suffix_multiplier(s.data[s.len - 1]) != 0) {
    mult = suffix_multiplier(s.data[s.len - 1]);
    s = s.substr(0, s.len - 1);
  }
  if (s.empty()) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < s.len; ++i) {
    int d = digit_value(s.data[i]);
    if (d >= static_cast<int>(base)) return false;
    if (v > (UINT64_MAX - d) / base) return false;  // overflow
    v = v * base + d;
  }
  if (v > UINT64_MAX / mult) return false;
  *out = v * mult;
  return true;
}
