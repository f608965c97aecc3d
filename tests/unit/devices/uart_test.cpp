#include "devices/uart_16550.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vmm {
namespace {

struct StringSink : OutputSink {
  void put(uint8_t b) override { text.push_back(static_cast<char>(b)); }
  void flush() override {}
  std::string text;
};

struct LevelRecorder : InterruptLine {
  void set_level(bool level) override { levels.push_back(level); }
  std::vector<bool> levels;
};

class UartTest : public ::testing::Test {
 protected:
  uint8_t in(uint64_t offset) {
    uint8_t v = 0;
    uart.read({offset, 0}, std::span(&v, 1));
    return v;
  }
  void out(uint64_t offset, uint8_t v) { uart.write({offset, 0}, std::span(&v, 1)); }

  StringSink sink;
  LevelRecorder irq;
  Uart16550 uart{sink, irq};
};

TEST_F(UartTest, TransmitReachesTheSink) {
  for (char c : std::string("ok\n")) out(0, static_cast<uint8_t>(c));
  EXPECT_EQ(sink.text, "ok\n");
  EXPECT_EQ(in(5) & 0x60, 0x60);  // THR empty and transmitter idle
}

TEST_F(UartTest, DivisorLatchDoesNotTransmit) {
  out(3, 0x80);  // DLAB
  out(0, 0x01);
  out(1, 0x00);
  EXPECT_EQ(in(0), 0x01);
  out(3, 0x03);
  EXPECT_TRUE(sink.text.empty());
}

TEST_F(UartTest, ReceiveRaisesInterruptWhenEnabledAndGated) {
  out(4, 0x08);  // OUT2
  out(1, 0x01);  // RX available interrupt
  uint8_t bytes[] = {'a', 'b'};
  uart.receive(bytes);
  ASSERT_FALSE(irq.levels.empty());
  EXPECT_TRUE(irq.levels.back());
  EXPECT_EQ(in(2) & 0x0f, 0x04);
  EXPECT_EQ(in(5) & 0x01, 0x01);
  EXPECT_EQ(in(0), 'a');
  EXPECT_EQ(in(0), 'b');
  EXPECT_FALSE(irq.levels.back());
  EXPECT_EQ(in(5) & 0x01, 0x00);
  EXPECT_EQ(in(2) & 0x01, 0x01);  // nothing pending
}

TEST_F(UartTest, ThrEmptyInterruptClearsOnIirRead) {
  out(4, 0x08);
  out(1, 0x02);
  EXPECT_TRUE(irq.levels.back());
  EXPECT_EQ(in(2) & 0x0f, 0x02);
  EXPECT_FALSE(irq.levels.back());
}

TEST_F(UartTest, NoInterruptWithoutOut2) {
  out(4, 0x00);
  out(1, 0x01);
  uint8_t byte = 'x';
  uart.receive(std::span(&byte, 1));
  EXPECT_TRUE(irq.levels.empty());
}

TEST_F(UartTest, LoopbackEchoesIntoReceive) {
  out(4, 0x10);
  out(0, 'z');
  EXPECT_TRUE(sink.text.empty());
  EXPECT_EQ(in(0), 'z');
}

TEST_F(UartTest, InputBeyondTheFifoIsDroppedAndCounted) {
  std::vector<uint8_t> flood(Uart16550::kRxFifoSize + 10, 'q');
  uart.receive(flood);
  EXPECT_EQ(uart.rx_dropped(), 10u);
}

}  // namespace
}  // namespace vmm
