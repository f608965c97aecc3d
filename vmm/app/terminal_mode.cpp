#include "vmm/app/terminal_mode.h"

#include <unistd.h>

namespace vmm {

TerminalRawInput::TerminalRawInput(int fd) : fd_(fd) {
  if (!isatty(fd_) || tcgetattr(fd_, &saved_) != 0) return;
  termios raw = saved_;
  raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);  // ISIG kept: Ctrl-C stops the VM
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  changed_ = tcsetattr(fd_, TCSANOW, &raw) == 0;
}

TerminalRawInput::~TerminalRawInput() {
  if (changed_) tcsetattr(fd_, TCSANOW, &saved_);
}

}  // namespace vmm
