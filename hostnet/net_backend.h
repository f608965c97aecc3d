// The second interface under the network device (kvmtool's split): a
// backend moves Ethernet frames between the VM and the outside world. The
// virtio-net device uses it from the device thread; the shared-memory device
// uses the same interface from its own poller thread, so a backend is bound
// to whichever io_context the user runs, and all its work happens on the
// thread running that context.
//
// Back-pressure, host -> guest: a receiver that has no buffer answers
// kNoBuffer; the backend then keeps the frame (and stops reading, or queues a
// bounded number) until resume_receive(), or drops it and counts the drop.
#pragma once

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <span>
#include <string_view>

#include "hv/core/result.h"

namespace vmm::net {

enum class Delivery {
  kAccepted,  // the receiver took the frame (delivered, or dropped and counted by it)
  kNoBuffer,  // no room now: offer it again after the receiver calls resume_receive()
};

// Where a backend puts the frames it receives (the device side).
class FrameReceiver {
 public:
  virtual ~FrameReceiver() = default;
  // Called on the backend's thread; may call the backend's resume_receive().
  virtual Delivery deliver_frame(std::span<const uint8_t> frame) = 0;
};

enum class SendResult { kSent, kDropped };

struct BackendCounters {
  uint64_t rx_dropped_no_buffer = 0;  // frames for the guest dropped: the receiver had no room
  uint64_t rx_errors = 0;             // frames lost to errors reading from the outside
  uint64_t tx_errors = 0;             // frames from the guest the backend failed to send
  uint64_t tx_dropped_socket_budget = 0;  // frames from the guest that would have opened one host socket too many
};

class NetBackend {
 public:
  virtual ~NetBackend() = default;

  virtual std::string_view kind() const = 0;  // "user", "tap"
  // Binds the backend, once, to `context` and `receiver`. Everything below
  // then runs on the thread running `context`; `context` must outlive the
  // backend.
  virtual Result<void> attach(boost::asio::io_context& context, FrameReceiver& receiver) = 0;
  // One Ethernet frame from the guest (no virtio header). May call
  // deliver_frame() before returning (a reply computed on the spot).
  virtual SendResult send_frame(std::span<const uint8_t> frame) = 0;
  // The receiver has room again; delivery resumes asynchronously, so this is
  // safe to call from inside deliver_frame().
  virtual void resume_receive() = 0;
  // Any thread.
  virtual BackendCounters counters() const = 0;
};

}  // namespace vmm::net
