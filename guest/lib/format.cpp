#include "lib/format.h"

#include <stdint.h>

namespace {

struct Spec {
  bool left = false;      // '-'
  bool zero_pad = false;  // '0'
  int width = 0;
  int precision = -1;     // -1: none
  int length = 0;         // number of 'l' (z counts as 2)
};

struct Out {
  FormatSink sink;
  void* ctx;
  void put(char c) const { sink(c, ctx); }
  void repeat(char c, int n) const {
    for (int i = 0; i < n; ++i) put(c);
  }
};

// Writes s (len bytes) padded to spec.width.
void emit_padded(const Out& out, const Spec& spec, const char* s, int len, char pad) {
  int fill = spec.width > len ? spec.width - len : 0;
  if (!spec.left) out.repeat(pad, fill);
  for (int i = 0; i < len; ++i) out.put(s[i]);
  if (spec.left) out.repeat(' ', fill);
}

void emit_number(const Out& out, const Spec& spec, uint64_t v, bool negative, unsigned base,
                 bool upper, const char* prefix) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char buf[24];
  int n = 0;
  do {
    buf[n++] = digits[v % base];
    v /= base;
  } while (v != 0);
  char text[32];
  int len = 0;
  if (negative) text[len++] = '-';
  for (const char* p = prefix; *p; ++p) text[len++] = *p;
  // Zero padding goes between the sign/prefix and the digits.
  if (spec.zero_pad && !spec.left) {
    while (len + n < spec.width && len < 28 - n) text[len++] = '0';
  }
  while (n > 0) text[len++] = buf[--n];
  emit_padded(out, spec, text, len, ' ');
}

uint64_t take_unsigned(const Spec& spec, va_list* ap) {
  if (spec.length >= 2) return va_arg(*ap, unsigned long long);
  if (spec.length == 1) return va_arg(*ap, unsigned long);
  return va_arg(*ap, unsigned int);
}

int64_t take_signed(const Spec& spec, va_list* ap) {
  if (spec.length >= 2) return va_arg(*ap, long long);
  if (spec.length == 1) return va_arg(*ap, long);
  return va_arg(*ap, int);
}

// Parses flags, width, precision and length; returns the conversion char.
const char* parse_spec(const char* f, Spec* spec, va_list* ap) {
  for (;; ++f) {
    if (*f == '-') spec->left = true;
    else if (*f == '0') spec->zero_pad = true;
    else break;
  }
  if (*f == '*') {
    spec->width = va_arg(*ap, int);
    ++f;
  }
  while (*f >= '0' && *f <= '9') spec->width = spec->width * 10 + (*f++ - '0');
  if (*f == '.') {
    ++f;
    spec->precision = 0;
    if (*f == '*') {
      spec->precision = va_arg(*ap, int);
      ++f;
    }
    while (*f >= '0' && *f <= '9') spec->precision = spec->precision * 10 + (*f++ - '0');
  }
  for (;; ++f) {
    if (*f == 'l') spec->length++;
    else if (*f == 'z') spec->length = 2;
    else if (*f != 'h') break;
  }
  return f;
}

void emit_string(const Out& out, const Spec& spec, const char* s) {
  if (s == nullptr) s = "(null)";
  int len = 0;
  while (s[len] && (spec.precision < 0 || len < spec.precision)) ++len;
  emit_padded(out, spec, s, len, ' ');
}

void emit_conversion(const Out& out, char conv, const Spec& spec, va_list* ap) {
  switch (conv) {
    case 'd':
    case 'i': {
      int64_t v = take_signed(spec, ap);
      uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
      emit_number(out, spec, mag, v < 0, 10, false, "");
      break;
    }
    case 'u': emit_number(out, spec, take_unsigned(spec, ap), false, 10, false, ""); break;
    case 'x': emit_number(out, spec, take_unsigned(spec, ap), false, 16, false, ""); break;
    case 'X': emit_number(out, spec, take_unsigned(spec, ap), false, 16, true, ""); break;
    case 'p': {
      auto v = reinterpret_cast<uint64_t>(va_arg(*ap, void*));
      emit_number(out, spec, v, false, 16, false, "0x");
      break;
    }
    case 's': emit_string(out, spec, va_arg(*ap, const char*)); break;
    case 'c': {
      char c = static_cast<char>(va_arg(*ap, int));
      emit_padded(out, spec, &c, 1, ' ');
      break;
    }
    default:  // '%' and unknown conversions print themselves
      out.put(conv);
      break;
  }
}

struct BufferCtx {
  char* buf;
  size_t size;
  size_t len;
};

void buffer_sink(char c, void* ctx) {
  auto* b = static_cast<BufferCtx*>(ctx);
  if (b->len + 1 < b->size) b->buf[b->len] = c;
  b->len++;
}

}  // namespace

void vformat(FormatSink sink, void* ctx, const char* fmt, va_list ap) {
  Out out{sink, ctx};
  va_list args;
  va_copy(args, ap);
  for (const char* f = fmt; *f; ++f) {
    if (*f != '%') {
      out.put(*f);
      continue;
    }
    Spec spec;
    f = parse_spec(f + 1, &spec, &args);
    if (*f == '\0') break;
    emit_conversion(out, *f, spec, &args);
  }
  va_end(args);
}

size_t snformat(char* buf, size_t size, const char* fmt, ...) {
  BufferCtx b{buf, size, 0};
  va_list ap;
  va_start(ap, fmt);
  vformat(buffer_sink, &b, fmt, ap);
  va_end(ap);
  if (size > 0) buf[b.len < size ? b.len : size - 1] = '\0';
  return b.len;
}
