// echo: prints its arguments on one line (checks argument passing).
#include "ulib.h"

int main(int argc, char** argv) {
  char line[uabi::kMaxArgs * uabi::kMaxArgLen + 2];
  size_t n = 0;
  for (int i = 1; i < argc; ++i) {
    if (i > 1) line[n++] = ' ';
    for (const char* s = argv[i]; *s; ++s) line[n++] = *s;
  }
  line[n++] = '\n';
  u::write(1, line, n);
  return 0;
}
