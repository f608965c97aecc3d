#include "devices/uart_16550.h"

namespace vmm {

namespace {

// Register offsets (PC16550D table 2).
enum : uint8_t {
  kRbrThrDll = 0, kIerDlm = 1, kIirFcr = 2, kLcr = 3, kMcr = 4, kLsr = 5, kMsr = 6, kScr = 7,
};
constexpr uint8_t kLcrDlab = 0x80;
constexpr uint8_t kIerRxAvailable = 0x01, kIerThrEmpty = 0x02;
constexpr uint8_t kIirNone = 0x01, kIirThrEmpty = 0x02, kIirRxAvailable = 0x04;
constexpr uint8_t kIirFifoEnabled = 0xc0;
constexpr uint8_t kFcrEnable = 0x01, kFcrClearRx = 0x02;
constexpr uint8_t kLsrDataReady = 0x01, kLsrThrEmpty = 0x20, kLsrIdle = 0x40;
constexpr uint8_t kMcrOut2 = 0x08, kMcrLoop = 0x10;
// In loopback, MCR bits DTR,RTS,OUT1,OUT2 appear as MSR DSR,CTS,RI,DCD.
constexpr uint8_t kMsrCtsDsrDcd = 0xb0;

}  // namespace

void Uart16550::read(const BusAccess& access, std::span<uint8_t> data) {
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i < data.size(); ++i) data[i] = read_register(access.offset + i);
  update_interrupt();
}

void Uart16550::write(const BusAccess& access, std::span<const uint8_t> data) {
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i < data.size(); ++i) write_register(access.offset + i, data[i]);
  update_interrupt();
}

void Uart16550::receive(std::span<const uint8_t> bytes) {
  std::lock_guard lock(mutex_);
  for (uint8_t b : bytes) {
    if (rx_.size() >= kRxFifoSize) {
      ++rx_dropped_;
      continue;
    }
    rx_.push_back(b);
  }
  update_interrupt();
}

uint64_t Uart16550::rx_dropped() const {
  std::lock_guard lock(mutex_);
  return rx_dropped_;
}

uint8_t Uart16550::read_register(uint64_t offset) {
  bool dlab = lcr_ & kLcrDlab;
  switch (offset) {
    case kRbrThrDll: {
      if (dlab) return dll_;
      if (rx_.empty()) return 0;
      uint8_t byte = rx_.front();
      rx_.pop_front();
      return byte;
    }
    case kIerDlm: return dlab ? dlm_ : ier_;
    case kIirFcr: return interrupt_identification();
    case kLcr: return lcr_;
    case kMcr: return mcr_;
    case kLsr: return (rx_.empty() ? 0 : kLsrDataReady) | kLsrThrEmpty | kLsrIdle;
    case kMsr:
      if (mcr_ & kMcrLoop)
        return static_cast<uint8_t>(((mcr_ & 0x01) << 5) | ((mcr_ & 0x02) << 3) |
                                    ((mcr_ & 0x04) << 4) | ((mcr_ & 0x08) << 4));
      return kMsrCtsDsrDcd;
    case kScr: return scr_;
    default: return 0xff;
  }
}

// Reading IIR reports the highest-priority pending interrupt; reporting
// "THR empty" clears that interrupt (PC16550D table 4).
uint8_t Uart16550::interrupt_identification() {
  uint8_t fifo = (fcr_ & kFcrEnable) ? kIirFifoEnabled : 0;
  if ((ier_ & kIerRxAvailable) && !rx_.empty()) return fifo | kIirRxAvailable;
  if ((ier_ & kIerThrEmpty) && thr_empty_interrupt_) {
    thr_empty_interrupt_ = false;
    return fifo | kIirThrEmpty;
  }
  return fifo | kIirNone;
}

void Uart16550::write_register(uint64_t offset, uint8_t value) {
  bool dlab = lcr_ & kLcrDlab;
  switch (offset) {
    case kRbrThrDll:
      if (dlab) dll_ = value;
      else transmit(value);
      break;
    case kIerDlm:
      if (dlab) {
        dlm_ = value;
      } else {
        // Enabling the THR-empty interrupt while the THR is empty raises it.
        if ((value & kIerThrEmpty) && !(ier_ & kIerThrEmpty)) thr_empty_interrupt_ = true;
        ier_ = value & 0x0f;
      }
      break;
    case kIirFcr:
      fcr_ = value;
      if (value & kFcrClearRx) rx_.clear();
      break;
    case kLcr: lcr_ = value; break;
    case kMcr: mcr_ = value & 0x1f; break;
    case kScr: scr_ = value; break;
    default: break;  // LSR and MSR are read-only
  }
}

void Uart16550::transmit(uint8_t byte) {
  if (mcr_ & kMcrLoop) {
    if (rx_.size() < kRxFifoSize) rx_.push_back(byte);
  } else {
    output_.put(byte);
  }
  thr_empty_interrupt_ = true;  // the byte left at once; THR is empty again
}

// On a PC the UART's interrupt output reaches the PIC/IOAPIC only through
// the OUT2 gate in MCR.
void Uart16550::update_interrupt() {
  bool pending = ((ier_ & kIerRxAvailable) && !rx_.empty()) ||
                 ((ier_ & kIerThrEmpty) && thr_empty_interrupt_);
  bool level = pending && (mcr_ & kMcrOut2);
  if (level != irq_asserted_) {
    irq_asserted_ = level;
    irq_.set_level(level);
  }
}

}  // namespace vmm
