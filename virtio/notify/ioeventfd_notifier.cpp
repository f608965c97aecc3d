#include "virtio/notify/ioeventfd_notifier.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vmm::virtio {

namespace {
constexpr uint32_t kQueueNotifyWidth = 4;  // the driver writes QueueNotify as 32 bits
}  // namespace

Result<std::unique_ptr<IoeventfdNotifier>> IoeventfdNotifier::create(
    KvmVm& vm, uint64_t gpa, boost::asio::io_context& context, Handler on_notify) {
  EventFd event = VMM_TRY(EventFd::create());
  auto bound = vm.register_ioeventfd(gpa, kQueueNotifyWidth, event.fd(), false, false);
  if (!bound.ok())
    return make_error("ioeventfd for QueueNotify: " + bound.error().message +
                      " (--no-ioeventfd handles notifications in user space)");
  std::unique_ptr<IoeventfdNotifier> notifier(
      new IoeventfdNotifier(vm, gpa, std::move(event), context, std::move(on_notify)));
  VMM_TRY_VOID(notifier->start_waiting());
  return notifier;
}

IoeventfdNotifier::IoeventfdNotifier(KvmVm& vm, uint64_t gpa, EventFd event,
                                     boost::asio::io_context& context, Handler on_notify)
    : vm_(vm), gpa_(gpa), event_(std::move(event)), waiter_(context),
      on_notify_(std::move(on_notify)) {}

IoeventfdNotifier::~IoeventfdNotifier() {
  boost::system::error_code ignored;
  waiter_.close(ignored);
  auto unbound = vm_.register_ioeventfd(gpa_, kQueueNotifyWidth, event_.fd(), false, true);
  if (!unbound.ok()) spdlog::debug("ioeventfd at {:#x}: {}", gpa_, unbound.error().message);
}

Result<void> IoeventfdNotifier::start_waiting() {
  int own = dup(event_.fd());
  if (own < 0) return make_error(std::string("dup(eventfd): ") + std::strerror(errno));
  boost::system::error_code error;
  waiter_.assign(own, error);
  if (error) {
    ::close(own);
    return make_error("eventfd: " + error.message());
  }
  wait();
  return ok();
}

void IoeventfdNotifier::wait() {
  waiter_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                     [this](const boost::system::error_code& error) {
                       if (error) return;  // closed: the VM is going away
                       // Drained before the device looks at the rings: a
                       // kick that lands after the drain leaves the eventfd
                       // readable, so the next wait fires; none is lost.
                       if (uint64_t count = event_.drain()) on_notify_(count);
                       wait();
                     });
}

}  // namespace vmm::virtio
