// Handlers posted to an io_context may outlive the object that posted them
// (a test tearing down, a VM stopping with work still queued). Such an
// object owns an AliveToken and wraps its posted handlers in guarded(): the
// handler then does nothing once the object is gone. Same-thread use only:
// objects are destroyed on, or after stopping, the thread running the context.
#pragma once

#include <memory>
#include <utility>

namespace vmm::virtio {

class AliveToken {
 public:
  std::weak_ptr<const int> watch() const { return token_; }

 private:
  std::shared_ptr<const int> token_ = std::make_shared<const int>(0);
};

template <typename Function>
auto guarded(const AliveToken& token, Function function) {
  return [alive = token.watch(), function = std::move(function)]() mutable {
    if (!alive.expired()) function();
  };
}

}  // namespace vmm::virtio
