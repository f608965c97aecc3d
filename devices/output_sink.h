// Where the guest's console bytes go: stdout in the VMM, a string in tests.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vmm {

class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual void put(uint8_t byte) = 0;
  virtual void flush() = 0;
};

// Line-buffered writer to a file descriptor: one write(2) per line (or per
// full buffer), so console output costs few host system calls.
class FdOutputSink : public OutputSink {
 public:
  explicit FdOutputSink(int fd) : fd_(fd) {}
  ~FdOutputSink() override { flush(); }
  void put(uint8_t byte) override;
  void flush() override;

 private:
  int fd_;
  uint8_t buffer_[4096];
  size_t used_ = 0;
};

}  // namespace vmm
