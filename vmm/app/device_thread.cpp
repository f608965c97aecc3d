#include "vmm/app/device_thread.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <future>

#include "hv/core/exit_status.h"
#include "hv/core/thread_name.h"

namespace vmm {

DeviceThread::DeviceThread(VmLifecycle& lifecycle)
    : lifecycle_(lifecycle), work_(context_.get_executor()), signals_(context_) {}

DeviceThread::~DeviceThread() { stop(); }

void DeviceThread::watch_stop_signals() {
  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.async_wait([this](const boost::system::error_code& error, int signal) {
    if (error) return;
    lifecycle_.request_stop_by_signal(signal, std::string("received ") + (signal == SIGINT ? "SIGINT" : "SIGTERM"));
  });
}

void DeviceThread::forward_input(int fd, Uart16550& uart) {
  int own = dup(fd);  // the descriptor object closes what it holds; stdin stays open
  if (own < 0) return;
  input_ = std::make_unique<boost::asio::posix::stream_descriptor>(context_, own);
  input_uart_ = &uart;
  read_input();
}

void DeviceThread::read_input() {
  input_->async_read_some(boost::asio::buffer(input_buffer_),
                          [this](const boost::system::error_code& error, size_t n) {
                            if (error) return;  // EOF or closed: no more console input
                            input_uart_->receive(std::span(input_buffer_.data(), n));
                            read_input();
                          });
}

Result<void> DeviceThread::start(const seccomp::ThreadFilters* filters) {
  // The thread owns the promise: it may still be inside set_value() when
  // get() below returns.
  std::promise<Result<void>> confined;
  std::future<Result<void>> result = confined.get_future();
  thread_ = std::thread([this, filters, confined = std::move(confined)]() mutable {
    name_this_thread("devices");
    Result<void> installed = filters ? filters->install(seccomp::ThreadKind::kDevice) : ok();
    bool run = installed.ok();
    confined.set_value(std::move(installed));
    if (run) context_.run();
  });
  return result.get();
}

void DeviceThread::stop() {
  if (!thread_.joinable()) return;
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  if (input_) input_->cancel(ignored);
  work_.reset();
  context_.stop();
  thread_.join();
}

}  // namespace vmm
