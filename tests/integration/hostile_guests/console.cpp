#include "console.h"

#include "abi/platform.h"
#include "hw.h"

namespace hg {

namespace {

constexpr uint16_t kData = platform::kUartCom1Port;
constexpr uint16_t kLineStatus = platform::kUartCom1Port + 5;
constexpr uint16_t kScratch = platform::kUartCom1Port + 7;
constexpr uint8_t kTransmitterEmpty = 0x20;  // LSR.THRE (16550 data sheet)

}  // namespace

void put_char(char c) {
  // Bounded: a UART that never reports room still gets the byte.
  for (int i = 0; i < 100000 && !(inb(kLineStatus) & kTransmitterEmpty); ++i) cpu_relax();
  outb(kData, static_cast<uint8_t>(c));
}

void put_str(const char* s) {
  while (*s) put_char(*s++);
}

void put_dec(uint32_t v) {
  char digits[10];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) put_char(digits[--n]);
}

void put_hex(uint64_t v) {
  put_str("0x");
  int shift = 60;
  while (shift > 0 && ((v >> shift) & 0xf) == 0) shift -= 4;
  for (; shift >= 0; shift -= 4) put_char("0123456789abcdef"[(v >> shift) & 0xf]);
}

bool uart_scratch_works() {
  outb(kScratch, 0x5a);
  bool first = inb(kScratch) == 0x5a;
  outb(kScratch, 0xa5);
  return first && inb(kScratch) == 0xa5;
}

}  // namespace hg
