// The virtio-mmio register block (virtio/mmio) in front of the real
// virtio-net device, driven by a sequence of register accesses of any
// offset, width and value, as a hostile vCPU can make them: feature
// negotiation, the status machine, queue set-up, QueueNotify and
// InterruptACK, reset in the middle of anything. Work the transport posts to
// the device thread runs when the input says so, so vCPU writes and device
// work interleave in every order. The driver may also write guest memory (so
// queues it enables can hold real chains) and the backend may deliver frames.
//
// Invariants checked besides memory safety: the identification registers
// never change, DRIVER_OK is never set without FEATURES_OK, and
// InterruptStatus holds only the two defined bits.
//
// Input: operations (see Op) until the input ends.
#include <boost/asio/io_context.hpp>

#include <array>

#include "tests/support/fake_net_backend.h"
#include "tests/fuzz/fuzz_input.h"
#include "virtio/mmio/interrupt_trigger.h"
#include "virtio/mmio/mmio_transport.h"
#include "virtio/net/virtio_net.h"
#include "virtio/spec.h"

namespace vmm::fuzz {

using testing::FakeNetBackend;
namespace {

using namespace vmm::virtio;
using namespace vmm::virtio::mmio;

class CountingTrigger : public InterruptTrigger {
 public:
  void trigger() override { ++count; }
  uint64_t count = 0;
};

enum Op : uint8_t {
  kRead,           // offset u16, width u8
  kWrite,          // offset u16, width u8, value u64
  kWriteRegister,  // register u8 (index into kRegisters), value u32
  kRunDeviceThread,
  kEventfdKick,    // count u8
  kPatch,          // gpa u32, len u8, bytes
  kDeliverFrame,   // len u16
  kBackendMode,    // bits u8: reply on send, fail sends
  kOpCount
};

// Every register, so that short inputs reach the state machine quickly.
constexpr std::array<uint64_t, 29> kRegisters = {
    kRegMagicValue,     kRegVersion,         kRegDeviceId,        kRegVendorId,
    kRegDeviceFeatures, kRegDeviceFeaturesSel, kRegDriverFeatures, kRegDriverFeaturesSel,
    kRegQueueSel,       kRegQueueNumMax,     kRegQueueNum,        kRegQueueReady,
    kRegQueueNotify,    kRegInterruptStatus, kRegInterruptAck,    kRegStatus,
    kRegQueueDescLow,   kRegQueueDescHigh,   kRegQueueDriverLow,  kRegQueueDriverHigh,
    kRegQueueDeviceLow, kRegQueueDeviceHigh, kRegShmSel,          kRegShmLenLow,
    kRegShmBaseLow,     kRegQueueReset,      kRegConfigGeneration, kRegConfig,
    kRegConfig + 6};

// Mostly the width drivers use, sometimes any other.
size_t access_width(uint8_t sel) {
  constexpr std::array<size_t, 8> kWidths = {4, 4, 4, 1, 2, 8, 3, 0};
  return kWidths[sel % kWidths.size()];
}

uint32_t read32(MmioTransport& transport, uint64_t offset) {
  uint32_t value = 0;
  transport.read(BusAccess{offset, 0}, std::span(reinterpret_cast<uint8_t*>(&value), 4));
  return value;
}

void check_invariants(MmioTransport& transport) {
  FUZZ_CHECK(read32(transport, kRegMagicValue) == kMagic);
  FUZZ_CHECK(read32(transport, kRegVersion) == kModernVersion);
  uint32_t status = transport.status();
  if (status & kStatusDriverOk) FUZZ_CHECK(status & kStatusFeaturesOk);
  FUZZ_CHECK((read32(transport, kRegInterruptStatus) & ~3u) == 0);
}

}  // namespace
}  // namespace vmm::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vmm::fuzz;
  using namespace vmm::virtio;
  const FuzzGuestMemory& ram = FuzzGuestMemory::fresh();
  boost::asio::io_context device_thread;
  FakeNetBackend backend;
  CountingTrigger trigger;
  VirtioNet net(ram.memory(), backend, vmm::net::default_mac(0), device_thread);
  backend.keep_frames = false;  // counts only
  (void)backend.attach(device_thread, net);
  MmioTransport transport(MmioTransportDeps{net, ram.memory(), device_thread, trigger, "virtio-fuzz0"});

  ByteReader in({data, size});
  std::array<uint8_t, 8> buffer{};
  std::vector<uint8_t> frame;
  while (!in.empty()) {
    switch (in.u8() % kOpCount) {
      case kRead: {
        uint64_t offset = in.u16() % kWindowSize;
        size_t width = access_width(in.u8());
        buffer.fill(0xcc);
        transport.read(vmm::BusAccess{offset, 0}, std::span(buffer.data(), width));
        break;
      }
      case kWrite: {
        uint64_t offset = in.u16() % kWindowSize;
        size_t width = access_width(in.u8());
        uint64_t value = in.u64();
        std::memcpy(buffer.data(), &value, sizeof value);
        transport.write(vmm::BusAccess{offset, 0}, std::span(buffer.data(), width));
        break;
      }
      case kWriteRegister: {
        uint64_t offset = kRegisters[in.u8() % kRegisters.size()];
        uint32_t value = in.u32();
        transport.write(vmm::BusAccess{offset, 0},
                        std::span(reinterpret_cast<const uint8_t*>(&value), 4));
        break;
      }
      case kRunDeviceThread:
        device_thread.restart();
        device_thread.poll();
        break;
      case kEventfdKick:
        // KVM completed QueueNotify writes; the device thread learns of them.
        transport.notified_through_eventfd(in.u8() % 4);
        break;
      case kPatch: {
        uint64_t gpa = in.u32() % FuzzGuestMemory::kSpan;
        ram.patch(gpa, in.bytes(in.u8()));
        break;
      }
      case kDeliverFrame:
        frame.assign(in.u16() % 2048, 0x5a);
        (void)net.deliver_frame(frame);
        break;
      case kBackendMode: {
        uint8_t bits = in.u8();
        backend.echo = bits & 1;
        backend.fail_sends = bits & 2;
        break;
      }
    }
    check_invariants(transport);
  }
  // Whatever is still posted runs, as the device thread would before the VM
  // stops.
  device_thread.restart();
  device_thread.poll();
  check_invariants(transport);
  if (verbose()) {
    auto t = transport.counters();
    auto n = net.counters();
    std::fprintf(stderr, "mmio_transport_fuzz: status %#x, notifications %lu, interrupts %lu, "
                 "needs reset %lu, tx %lu, rx %lu frames\n", transport.status(), t.notifications,
                 t.interrupts, t.needs_reset, n.tx_frames, n.rx_frames);
  }
  return 0;
}
