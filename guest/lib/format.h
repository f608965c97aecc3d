// printf-style formatting into a character sink, shared by the console and
// anything that formats into a buffer.
//
// Conversions: %d %i %u %x %X %p %s %c %%; flags '-' and '0'; a width (or
// *); a precision for %s (or .*); length modifiers h, hh, l, ll, z.
#pragma once

#include <stdarg.h>
#include <stddef.h>

using FormatSink = void (*)(char c, void* ctx);

void vformat(FormatSink sink, void* ctx, const char* fmt, va_list ap);

// Formats into buf (always NUL-terminated if size > 0); returns the length
// the full output would have had.
size_t snformat(char* buf, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
