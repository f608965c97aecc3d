// Register offsets and bits from the PC16550D data sheet (National
// Semiconductor), section 8 "Registers".
#include "dev/uart/uart.h"

#include "arch/x86/include/x86.h"

namespace {

constexpr uint16_t kThr = 0;  // transmit holding (DLAB=0)
constexpr uint16_t kDll = 0;  // divisor latch low (DLAB=1)
constexpr uint16_t kIer = 1;  // interrupt enable (DLAB=0)
constexpr uint16_t kDlm = 1;  // divisor latch high (DLAB=1)
constexpr uint16_t kFcr = 2;  // FIFO control
constexpr uint16_t kLcr = 3;  // line control
constexpr uint16_t kMcr = 4;  // modem control
constexpr uint16_t kLsr = 5;  // line status

constexpr uint8_t kLcrDlab = 0x80;
constexpr uint8_t kLcr8N1 = 0x03;
constexpr uint8_t kFcrEnableClear = 0x07;  // enable FIFOs, clear RX and TX
constexpr uint8_t kMcrDtrRts = 0x03;
constexpr uint8_t kLsrThrEmpty = 0x20;
constexpr uint8_t kLsrDataReady = 0x01;
constexpr uint8_t kIerRxAvailable = 0x01;
constexpr uint8_t kMcrOut2 = 0x08;
constexpr uint16_t kRbr = 0;  // receive buffer (DLAB=0)

// Bounded so that a missing UART (reads as 0) cannot hang the kernel. Each
// poll is a port read (>= 1 us, a VM exit when virtualized): 10000 polls
// outlast a real 16550's 87 us per character at 115200 baud.
constexpr int kMaxTxPolls = 10000;

}  // namespace

void uart_init(uint16_t port) {
  x86::outb(port + kIer, 0);
  x86::outb(port + kLcr, kLcrDlab);
  x86::outb(port + kDll, 1);  // 115200 baud = 1.8432 MHz / (16 * 1)
  x86::outb(port + kDlm, 0);
  x86::outb(port + kLcr, kLcr8N1);
  x86::outb(port + kFcr, kFcrEnableClear);
  x86::outb(port + kMcr, kMcrDtrRts);
}

void uart_putc(uint16_t port, char c) {
  for (int i = 0; i < kMaxTxPolls; ++i) {
    if (x86::inb(port + kLsr) & kLsrThrEmpty) break;
    x86::pause();
  }
  x86::outb(port + kThr, static_cast<uint8_t>(c));
}

void uart_enable_rx_interrupt(uint16_t port) {
  x86::outb(port + kMcr, kMcrDtrRts | kMcrOut2);
  x86::outb(port + kIer, kIerRxAvailable);
}

bool uart_getc(uint16_t port, char* c) {
  if (!(x86::inb(port + kLsr) & kLsrDataReady)) return false;
  *c = static_cast<char>(x86::inb(port + kRbr));
  return true;
}
