// readline: reads one line from the console (read(0, ...), which sleeps on
// the UART's interrupt) and prints it back. Checks console input.
#include "ulib.h"

int main() {
  char line[256];
  size_t n = 0;
  while (n < sizeof(line) - 1) {
    long r = u::read(0, line + n, sizeof(line) - 1 - n);
    if (r <= 0) {
      u::printf("readline: read returned %ld\n", r);
      return 1;
    }
    n += static_cast<size_t>(r);
    if (line[n - 1] == '\n') break;
  }
  if (n > 0 && line[n - 1] == '\n') --n;
  line[n] = '\0';
  u::printf("readline: got \"%s\"\n", line);
  return 0;
}
