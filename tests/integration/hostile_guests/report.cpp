#include "report.h"

#include "console.h"

namespace hg {

namespace {

const char* g_first_failure = nullptr;

}  // namespace

Line::Line(const char* check, const char* variant) {
  put_str("hostile: ");
  put_str(check);
  if (variant) {
    put_char('/');
    put_str(variant);
  }
  put_char(':');
}

void Line::key(const char* k) {
  put_char(' ');
  put_str(k);
  put_char('=');
}

Line& Line::flag(const char* k, bool value) {
  key(k);
  put_char(value ? '1' : '0');
  return *this;
}

Line& Line::num(const char* k, uint32_t value) {
  key(k);
  put_dec(value);
  return *this;
}

Line& Line::hex(const char* k, uint64_t value) {
  key(k);
  put_hex(value);
  return *this;
}

Line& Line::text(const char* k, const char* value) {
  key(k);
  put_str(value);
  return *this;
}

void Line::end() { put_char('\n'); }

void must(bool held, const char* what) {
  if (!held && g_first_failure == nullptr) g_first_failure = what;
}

bool all_held() { return g_first_failure == nullptr; }
const char* first_failure() { return g_first_failure ? g_first_failure : "none"; }

}  // namespace hg
