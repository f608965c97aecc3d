// The four functions GCC may call even in freestanding code (GCC manual,
// "Standards": "GCC requires the freestanding environment provide memcpy,
// memmove, memset and memcmp"). Byte loops: the guest moves little data.
// The stores are volatile so that GCC does not recognise a loop as memcpy
// or memset and compile it into a call to itself.
#include <stddef.h>
#include <stdint.h>

extern "C" {

void* memcpy(void* dst, const void* src, size_t n) {
  auto* d = static_cast<volatile uint8_t*>(dst);
  auto* s = static_cast<const uint8_t*>(src);
  for (size_t i = 0; i < n; ++i) d[i] = s[i];
  return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
  auto* d = static_cast<volatile uint8_t*>(dst);
  auto* s = static_cast<const uint8_t*>(src);
  if (d < s)
    for (size_t i = 0; i < n; ++i) d[i] = s[i];
  else
    for (size_t i = n; i > 0; --i) d[i - 1] = s[i - 1];
  return dst;
}

void* memset(void* dst, int c, size_t n) {
  auto* d = static_cast<volatile uint8_t*>(dst);
  for (size_t i = 0; i < n; ++i) d[i] = static_cast<uint8_t>(c);
  return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
  auto* x = static_cast<const uint8_t*>(a);
  auto* y = static_cast<const uint8_t*>(b);
  for (size_t i = 0; i < n; ++i)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

}  // extern "C"
