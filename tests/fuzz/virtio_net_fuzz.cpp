// The virtio-net device (virtio/net) on a fake backend, over receive and
// transmit rings the fuzzer writes: transmit notifications, frames from the
// backend (which may also answer a transmitted frame on the spot, re-entering
// the device), receive buffer notifications, the device thread's deferred
// work, and reset/re-activation, with and without MRG_RXBUF, EVENT_IDX and
// indirect descriptors.
//
// Invariant checked besides memory safety: once the device has asked for a
// reset (DEVICE_NEEDS_RESET), it sends no more used-buffer notifications
// until it is reset.
//
// Input: features u8, then for the receive and the transmit queue a size
// selector u8 and desc/avail/used addresses u32 x3, then operations (see Op)
// until the input ends.
#include <boost/asio/io_context.hpp>

#include <array>

#include "tests/support/fake_net_backend.h"
#include "tests/fuzz/fuzz_input.h"
#include "virtio/net/virtio_net.h"
#include "virtio/spec.h"

namespace vmm::fuzz {

using testing::FakeNetBackend;
namespace {

using namespace vmm::virtio;

enum Op : uint8_t {
  kPatch,          // gpa u32, len u8, bytes
  kDescriptor,     // queue u8, index u16, addr u32, len u32, flags u8, next u16
  kAvailEntry,     // queue u8, position u16, head u16
  kAvailIdx,       // queue u8, idx u16
  kUsedEvent,      // queue u8, used_event u16, avail flags u16
  kNotifyTx,
  kNotifyRx,
  kDeliverFrame,   // len u16
  kRunDeviceThread,
  kBackendMode,    // bits u8: reply on send, fail sends
  kReset,          // reset, then activate again with the same layouts
  kOpCount
};

class CheckingSignals : public DeviceSignals {
 public:
  void notify_used_buffers() override { FUZZ_CHECK(!needs_reset); }
  void notify_config_changed() override {}
  void device_needs_reset(const std::string&) override { needs_reset = true; }
  bool needs_reset = false;
};

// Filled once: a fresh 64 KiB frame per delivery was most of the run time.
const std::vector<uint8_t>& frame_pattern() {
  static const std::vector<uint8_t> pattern = [] {
    std::vector<uint8_t> bytes(VirtioNet::kMaxFrameBytes + 64);
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i);
    return bytes;
  }();
  return pattern;
}

QueueLayout read_layout(ByteReader& in) {
  QueueLayout layout;
  uint8_t sel = in.u8();
  layout.size = sel < 0xf0 ? 1u << (sel % 9) : in.u16();
  layout.desc_gpa = in.u32() % FuzzGuestMemory::kSpan;
  layout.avail_gpa = in.u32() % FuzzGuestMemory::kSpan;
  layout.used_gpa = in.u32() % FuzzGuestMemory::kSpan;
  return layout;
}

uint64_t read_features(ByteReader& in) {
  uint8_t bits = in.u8();
  uint64_t features = kFeatureVersion1 | net_spec::kFeatureMac | net_spec::kFeatureStatus;
  if (bits & 1) features |= net_spec::kFeatureMergeRxBuffers;
  if (bits & 2) features |= kFeatureEventIdx;
  if (bits & 4) features |= kFeatureIndirectDesc;
  return features;
}

class Harness {
 public:
  Harness(const FuzzGuestMemory& ram, ByteReader& in)
      : ram_(ram), in_(in), net_(ram.memory(), backend_, vmm::net::default_mac(0), device_thread_) {
    backend_.keep_frames = false;  // counts only
    (void)backend_.attach(device_thread_, net_);
    features_ = read_features(in);
    layouts_[net_spec::kReceiveQueue] = read_layout(in);
    layouts_[net_spec::kTransmitQueue] = read_layout(in);
    activate();
  }

  ~Harness() {
    device_thread_.restart();
    device_thread_.poll();
    if (verbose()) {
      NetDeviceCounters c = net_.counters();
      std::fprintf(stderr, "virtio_net_fuzz: tx %lu frames, rx %lu frames, backend sent %lu, "
                   "rx too small %lu, tx malformed %lu, rx waits %lu, resumes %lu, needs reset %d\n",
                   c.tx_frames, c.rx_frames, backend_.sent_count(), c.rx_dropped_buffer_too_small,
                   c.tx_dropped_malformed, c.rx_waits_for_buffers, static_cast<uint64_t>(backend_.resumes.load()),
                   signals_.needs_reset);
    }
  }

  void step() {
    switch (in_.u8() % kOpCount) {
      case kPatch: {
        uint64_t gpa = in_.u32() % FuzzGuestMemory::kSpan;
        ram_.patch(gpa, in_.bytes(in_.u8()));
        break;
      }
      case kDescriptor: {
        const QueueLayout& layout = pick_queue();
        uint16_t index = static_cast<uint16_t>(in_.u16() % std::max<uint32_t>(layout.size, 1));
        VirtqDesc desc{};
        desc.addr = in_.u32() % (FuzzGuestMemory::kSpan + 0x100);
        desc.len = in_.u32();
        desc.flags = in_.u8() & 7;
        desc.next = in_.u16();
        ram_.put(layout.desc_gpa + sizeof(VirtqDesc) * index, desc);
        break;
      }
      case kAvailEntry: {
        const QueueLayout& layout = pick_queue();
        uint16_t position = static_cast<uint16_t>(in_.u16() % std::max<uint32_t>(layout.size, 1));
        ram_.put(layout.avail_gpa + avail_entry_offset(position), in_.u16());
        break;
      }
      case kAvailIdx: {
        const QueueLayout& layout = pick_queue();
        ram_.put(layout.avail_gpa + kRingIdxOffset, in_.u16());
        break;
      }
      case kUsedEvent: {
        const QueueLayout& layout = pick_queue();
        ram_.put(layout.avail_gpa + used_event_offset(layout.size), in_.u16());
        ram_.put(layout.avail_gpa + kRingFlagsOffset, in_.u16());
        break;
      }
      case kNotifyTx: net_.queue_notified(net_spec::kTransmitQueue); break;
      case kNotifyRx: net_.queue_notified(net_spec::kReceiveQueue); break;
      case kDeliverFrame: {
        // Up to a little past the largest frame a backend hands over.
        size_t length = in_.u16() % (VirtioNet::kMaxFrameBytes + 64);
        (void)net_.deliver_frame(std::span(frame_pattern()).first(length));
        break;
      }
      case kRunDeviceThread:
        device_thread_.restart();
        device_thread_.poll();
        break;
      case kBackendMode: {
        uint8_t bits = in_.u8();
        backend_.echo = bits & 1;
        backend_.fail_sends = bits & 2;
        break;
      }
      case kReset:
        net_.reset();
        signals_.needs_reset = false;
        activate();
        break;
    }
  }

 private:
  const QueueLayout& pick_queue() { return layouts_[in_.u8() & 1]; }

  // As the transport does at DRIVER_OK: a queue whose layout does not map
  // is left out (the driver did not enable it).
  void activate() {
    ActiveQueues queues(net_spec::kQueueCount);
    for (size_t i = 0; i < queues.size(); ++i) {
      auto queue = Virtqueue::create(ram_.memory(), layouts_[i], VirtioNet::kQueueSize, features_);
      if (queue.ok()) queues[i].emplace(std::move(*queue));
    }
    net_.activate(Activation{features_, std::move(queues), &signals_});
  }

  const FuzzGuestMemory& ram_;
  ByteReader& in_;
  boost::asio::io_context device_thread_;
  FakeNetBackend backend_;
  VirtioNet net_;
  CheckingSignals signals_;
  uint64_t features_ = 0;
  std::array<QueueLayout, 2> layouts_{};
};

}  // namespace
}  // namespace vmm::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vmm::fuzz;
  const FuzzGuestMemory& ram = FuzzGuestMemory::fresh();
  ByteReader in({data, size});
  Harness harness(ram, in);
  while (!in.empty()) harness.step();
  return 0;
}
