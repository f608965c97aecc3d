// Byte-string helpers for a kernel without a C library: the mem* functions
// the compiler may emit calls to, and Str, a non-owning (pointer, length)
// view used for command-line words and ACPI signatures.
#pragma once

#include <stddef.h>
#include <stdint.h>

extern "C" {
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);
}

struct Str {
  const char* data = nullptr;
  size_t len = 0;

  constexpr Str() = default;
  constexpr Str(const char* d, size_t n) : data(d), len(n) {}
  // From a string literal or other NUL-terminated string.
  constexpr Str(const char* s) : data(s), len(0) {  // NOLINT: implicit on purpose
    while (s[len]) ++len;
  }

  bool empty() const { return len == 0; }
  bool operator==(Str o) const { return len == o.len && memcmp(data, o.data, len) == 0; }
  bool starts_with(Str p) const { return len >= p.len && memcmp(data, p.data, p.len) == 0; }
  Str substr(size_t from, size_t n = SIZE_MAX) const {
    if (from > len) from = len;
    if (n > len - from) n = len - from;
    return {data + from, n};
  }
  // Index of the first c, or len if none.
  size_t find(char c) const {
    size_t i = 0;
    while (i < len && data[i] != c) ++i;
    return i;
  }
};

// Parses an unsigned number: decimal, or hex with a 0x prefix, with an
// optional K/M/G suffix (binary multiples, as QEMU's size syntax). Returns
// false if s is not entirely such a number.
bool parse_u64(Str s, uint64_t* out);
