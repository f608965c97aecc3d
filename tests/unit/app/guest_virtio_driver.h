// A virtio-mmio driver played by a ScriptedVcpu: every register access is an
// MMIO exit into the real VMM (virtio 1.2 §4.2.2 register layout, from
// abi/virtio/mmio.h). It keeps the steps of §3.1.1 in order only
// when asked to; hostile scripts write the registers they want, in the
// order they want.
#pragma once

#include <chrono>
#include <cstdint>
#include <thread>

#include "abi/platform.h"
#include "tests/unit/app/scripted_vcpu.h"
#include "virtio/queue/queue_layout.h"
#include "virtio/spec.h"

namespace vmm::testing {

class GuestVirtioDriver {
 public:
  explicit GuestVirtioDriver(ScriptedVcpu& vcpu, uint64_t mmio_base = platform::kVirtioMmioBase)
      : vcpu_(vcpu), base_(mmio_base) {}

  uint32_t read(uint64_t reg) { return vcpu_.mmio_read32(base_ + reg); }
  void write(uint64_t reg, uint32_t value) { vcpu_.mmio_write32(base_ + reg, value); }
  uint32_t status() { return read(virtio::mmio::kRegStatus); }

  // ACKNOWLEDGE, DRIVER, both DriverFeatures words, FEATURES_OK (§3.1.1
  // steps 1-6); true when Status then still shows FEATURES_OK.
  bool negotiate(uint64_t features);
  // QueueSel, QueueNum, the three rings' addresses, then QueueReady = 1.
  void set_up_queue(uint16_t index, const virtio::QueueLayout& layout);
  void set_status_bits(uint32_t bits);  // Status = last written | bits
  void notify(uint16_t queue);
  // Status = 0, then waits until it reads 0 (§2.4: the reset is complete).
  bool reset();
  // Reads Status until it has every bit of `bits`, while the device thread
  // works; false after a few seconds.
  bool wait_for_status(uint32_t bits);

 private:
  ScriptedVcpu& vcpu_;
  uint64_t base_;
  uint32_t written_status_ = 0;
};

// Waits on the script thread (sleeping) until `done`; false after a few
// seconds. The bound only turns a hang into a failure.
template <typename Predicate>
bool eventually(Predicate done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
  return true;
}

}  // namespace vmm::testing
