// The device thread: one Boost.Asio io_context for everything that is not a
// vCPU: stop signals, console input, ioeventfds, irqfds, the network backend (docs/ARCHITECTURE.md, Threads).
// vCPU threads never block on it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>

#include <array>
#include <memory>
#include <thread>

#include "devices/uart_16550.h"
#include "hv/core/result.h"
#include "hv/core/vm_lifecycle.h"
#include "vmm/seccomp/thread_filters.h"

namespace vmm {

class DeviceThread {
 public:
  explicit DeviceThread(VmLifecycle& lifecycle);
  ~DeviceThread();  // stops the loop and joins
  DeviceThread(const DeviceThread&) = delete;
  DeviceThread& operator=(const DeviceThread&) = delete;

  boost::asio::io_context& context() { return context_; }
  // SIGINT/SIGTERM stop the VM (VmLifecycle::request_stop_by_signal); vmm then ends by that signal.
  void watch_stop_signals();
  // Bytes arriving on `fd` (stdin) go to the UART's receive FIFO.
  void forward_input(int fd, Uart16550& uart);
  // Starts the thread. With `filters`, the thread confines itself with the
  // device filter before its loop runs any handler, and start() returns
  // once it did; an error (and a thread that runs nothing) if it could not.
  Result<void> start(const seccomp::ThreadFilters* filters = nullptr);
  void stop();

 private:
  void read_input();

  VmLifecycle& lifecycle_;
  boost::asio::io_context context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::signal_set signals_;
  std::unique_ptr<boost::asio::posix::stream_descriptor> input_;
  Uart16550* input_uart_ = nullptr;
  std::array<uint8_t, 256> input_buffer_{};
  std::thread thread_;
};

}  // namespace vmm
