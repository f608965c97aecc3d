// A 16550A UART (the PC's COM1 at 0x3f8, IRQ 4): transmit goes to an
// OutputSink at once (the transmitter is always empty), receive comes from
// receive() (the host's stdin). Register map and interrupt rules from the
// National Semiconductor PC16550D data sheet.
#pragma once

#include <deque>
#include <mutex>

#include "devices/interrupt_line.h"
#include "devices/output_sink.h"
#include "hv/bus/bus_device.h"

namespace vmm {

class Uart16550 : public BusDevice {
 public:
  static constexpr size_t kRxFifoSize = 64;  // bytes kept before input is dropped

  Uart16550(OutputSink& output, InterruptLine& irq) : output_(output), irq_(irq) {}

  void read(const BusAccess& access, std::span<uint8_t> data) override;
  void write(const BusAccess& access, std::span<const uint8_t> data) override;

  // Host input for the guest; bytes beyond the FIFO are dropped (counted).
  void receive(std::span<const uint8_t> bytes);
  uint64_t rx_dropped() const;

 private:
  uint8_t read_register(uint64_t offset);
  void write_register(uint64_t offset, uint8_t value);
  uint8_t interrupt_identification();
  void transmit(uint8_t byte);
  void update_interrupt();

  OutputSink& output_;
  InterruptLine& irq_;
  mutable std::mutex mutex_;
  std::deque<uint8_t> rx_;
  uint64_t rx_dropped_ = 0;
  uint8_t ier_ = 0, lcr_ = 0x03, mcr_ = 0x08, scr_ = 0, fcr_ = 0;
  uint8_t dll_ = 0x0c, dlm_ = 0;  // 9600 baud at reset, as firmware leaves it
  bool thr_empty_interrupt_ = false;
  bool irq_asserted_ = false;
};

}  // namespace vmm
