#include "boot/cmdline.h"

namespace cmdline {
namespace {

struct Word {
  Str key;
  Str value;
};

Word g_words[kMaxWords];
size_t g_word_count;
Str g_init_args[kMaxInitArgs];
size_t g_init_argc;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Returns the next word of text starting at *pos, advancing *pos.
Str next_word(const char* text, size_t* pos) {
  size_t i = *pos;
  while (text[i] && is_space(text[i])) ++i;
  size_t start = i;
  while (text[i] && !is_space(text[i])) ++i;
  *pos = i;
  return Str(text + start, i - start);
}

void add_kernel_word(Str w) {
  if (g_word_count == kMaxWords) return;
  size_t eq = w.find('=');
  g_words[g_word_count++] = {w.substr(0, eq), eq < w.len ? w.substr(eq + 1) : Str()};
}

}  // namespace

void parse(const char* text) {
  g_word_count = 0;
  g_init_argc = 0;
  bool for_init = false;
  size_t pos = 0;
  for (Str w = next_word(text, &pos); !w.empty(); w = next_word(text, &pos)) {
    if (!for_init && w == "--") {
      for_init = true;
    } else if (for_init) {
      if (g_init_argc < kMaxInitArgs) g_init_args[g_init_argc++] = w;
    } else {
      add_kernel_word(w);
    }
  }
}

bool get(Str key, Str* value) {
  for (size_t i = 0; i < g_word_count; ++i) {
    if (g_words[i].key == key) {
      *value = g_words[i].value;
      return true;
    }
  }
  return false;
}

size_t get_all(Str key, Str* values, size_t max) {
  size_t n = 0;
  for (size_t i = 0; i < g_word_count; ++i) {
    if (!(g_words[i].key == key)) continue;
    if (n < max) values[n] = g_words[i].value;
    ++n;
  }
  return n;
}

size_t init_argc() { return g_init_argc; }
Str init_arg(size_t i) { return i < g_init_argc ? g_init_args[i] : Str(); }

}  // namespace cmdline
