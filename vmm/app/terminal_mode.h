// While the guest owns the console, a terminal on stdin delivers each key at
// once and does not echo (the guest echoes). Ctrl-C still signals the VMM.
// The previous mode is restored on destruction, whatever ends the VM.
#pragma once

#include <termios.h>

namespace vmm {

class TerminalRawInput {
 public:
  explicit TerminalRawInput(int fd);
  ~TerminalRawInput();
  TerminalRawInput(const TerminalRawInput&) = delete;
  TerminalRawInput& operator=(const TerminalRawInput&) = delete;

 private:
  int fd_;
  bool changed_ = false;
  termios saved_{};
};

}  // namespace vmm
