// The rig of the hostile-guest tests: a whole VM (vmm/app/vm.cpp) on the mock
// KVM with one vCPU played by a script, a virtio-net device whose QueueNotify
// writes exit to the VMM (--no-ioeventfd, so every notification is a
// scripted exit), the shared-memory device on a fake network, and the UART.
// A test breaks one device and then checks that the VM ends when the script
// says so and that the other devices still work.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/unit/app/guest_ram.h"
#include "tests/unit/app/guest_ring.h"
#include "tests/unit/app/guest_virtio_driver.h"
#include "tests/unit/app/scripted_vcpu.h"
#include "tests/unit/mock/mock_kvm.h"
#include "tests/support/fake_net_backend.h"
#include "vmm/app/vm.h"

namespace vmm::testing {

class HostileGuestTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kRamBytes = 32 << 20;
  static constexpr uint64_t kShmemBytes = 64 * 1024;
  static constexpr uint64_t kRxRingGpa = 0x200000;
  static constexpr uint64_t kTxRingGpa = 0x300000;
  static constexpr uint64_t kBufferGpa = 0x400000;  // 2 KiB per buffer slot
  static constexpr uint64_t kBufferBytes = 2048;
  static constexpr uint64_t kScratchGpa = 0x1000000;  // indirect tables and the like
  static constexpr uint32_t kHeaderBytes = 12;        // virtio_net_hdr with num_buffers

  void SetUp() override;
  // The VM, with virtio-net on `net_backend` (a FakeNetBackend when null).
  void create_vm(std::unique_ptr<net::NetBackend> net_backend = nullptr);
  // Plays `script` on vCPU 0 until it writes the debug-exit port.
  VmStats run(ScriptedVcpu::Script script);

  GuestRam ram() const { return GuestRam(ram_base_, kRamBytes); }
  // Rings of `size` entries for queue 0 (receive) or 1 (transmit), zeroed:
  // after a reset, driver and device both start again at index 0.
  GuestRing fresh_ring(uint16_t queue, uint16_t size = 256) const;
  // The whole initialization (virtio 1.2 §3.1.1) with `features` and both
  // rings; every step is checked.
  void bring_up(GuestVirtioDriver& driver, const GuestRing& rx, const GuestRing& tx,
                uint64_t features) const;
  // One well-formed 60-byte frame of `fill` bytes on the transmit queue;
  // true once the device has returned its chain.
  bool send_frame(GuestVirtioDriver& driver, GuestRing& tx, uint8_t fill) const;
  // Makes `head` available on `ring`, notifies, and waits for the device to
  // flag DEVICE_NEEDS_RESET with a configuration change interrupt
  // (virtio 1.2 §2.1.2).
  bool post_and_expect_needs_reset(GuestVirtioDriver& driver, GuestRing& ring, uint16_t queue,
                                   uint16_t head) const;
  // Returns once the device thread has run everything posted to it so far
  // (a frame from the fake backend goes through its queue behind them). For
  // a broken or stopped device only: a running one would take the frame.
  bool device_thread_caught_up() const;
  // The UART keeps a byte in its scratch register and the shared-memory
  // device moves a frame to its backend: the guest's other devices work.
  void expect_other_devices_work(ScriptedVcpu& vcpu) const;

  // A counter of the device named `device` in `stats`; 999999 if missing.
  static uint64_t counter(const VmStats& stats, const std::string& name,
                          const std::string& device = "virtio-net0");
  // The frames the fake virtio-net backend was given.
  size_t frames_sent() const { return net_backend_ ? net_backend_->sent().size() : 0; }

  MockKvmSystem system_;
  MockKvmVm* vm_mock_ = nullptr;
  std::unique_ptr<GuestMemory> memory_;
  uint8_t* ram_base_ = nullptr;
  uint8_t* shmem_ = nullptr;
  MockKvmVcpu* bsp_ = nullptr;
  FakeNetBackend* net_backend_ = nullptr;  // when create_vm() made it
  FakeNetBackend* shmem_backend_ = nullptr;
  std::unique_ptr<Vm> vm_;
};

}  // namespace vmm::testing
