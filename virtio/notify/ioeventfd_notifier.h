// Queue notifications that never reach user space as exits: an eventfd bound
// with KVM_IOEVENTFD to the 32-bit QueueNotify register, so KVM completes the
// guest's write itself and signals the eventfd; the device thread waits on
// it through Asio and passes the count on. The binding is undone when this
// object goes (before the KvmVm and the io_context it uses).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <cstdint>
#include <functional>
#include <memory>

#include "virtio/notify/event_fd.h"
#include "hv/kvm/kvm.h"

namespace vmm::virtio {

class IoeventfdNotifier {
 public:
  using Handler = std::function<void(uint64_t count)>;

  // `gpa` is the register's guest-physical address; `on_notify` runs on the
  // thread running `context` with the number of writes since the last call.
  static Result<std::unique_ptr<IoeventfdNotifier>> create(KvmVm& vm, uint64_t gpa,
                                                           boost::asio::io_context& context,
                                                           Handler on_notify);
  ~IoeventfdNotifier();
  IoeventfdNotifier(const IoeventfdNotifier&) = delete;
  IoeventfdNotifier& operator=(const IoeventfdNotifier&) = delete;

 private:
  IoeventfdNotifier(KvmVm& vm, uint64_t gpa, EventFd event, boost::asio::io_context& context,
                    Handler on_notify);
  Result<void> start_waiting();
  void wait();

  KvmVm& vm_;
  uint64_t gpa_;
  EventFd event_;
  boost::asio::posix::stream_descriptor waiter_;  // owns a dup of event_'s fd
  Handler on_notify_;
};

}  // namespace vmm::virtio
