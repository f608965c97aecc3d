#include "tests/unit/app/scripted_vcpu.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>

#include "abi/platform.h"

namespace vmm::testing {

namespace {

// Only turns a VM that stopped under the script (a bug) into a failure
// instead of a hang.
constexpr auto kExitDeadline = std::chrono::seconds(10);
constexpr uint32_t kPioDataOffset = 4096;  // inside MockKvmVcpu's run area

void mmio_exit(kvm_run& run, uint64_t gpa, bool is_write, uint32_t value) {
  run.exit_reason = KVM_EXIT_MMIO;
  run.mmio.phys_addr = gpa;
  run.mmio.len = 4;
  run.mmio.is_write = is_write;
  std::memcpy(run.mmio.data, &value, 4);
}

void pio_exit(kvm_run& run, uint16_t port, bool is_write, uint8_t value) {
  run.exit_reason = KVM_EXIT_IO;
  run.io = {static_cast<uint8_t>(is_write ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN), 1, port, 1,
            kPioDataOffset};
  reinterpret_cast<uint8_t*>(&run)[kPioDataOffset] = value;
}

}  // namespace

ScriptedVcpu::ScriptedVcpu(MockKvmVcpu& vcpu, Script script)
    : vcpu_(vcpu), script_(std::move(script)) {
  EXPECT_CALL(vcpu_, run()).WillRepeatedly(::testing::Invoke([this] { return run(); }));
}

ScriptedVcpu::~ScriptedVcpu() {
  if (thread_.joinable()) thread_.join();
}

Result<void> ScriptedVcpu::run() {
  std::unique_lock lock(mutex_);
  if (!thread_.joinable()) thread_ = std::thread([this] { script_body(script_); });
  if (in_flight_) {
    in_flight_ = false;
    if (remaining_ == 0) {
      completed_ = true;
      changed_.notify_all();
    }
  }
  changed_.wait(lock, [this] { return remaining_ > 0; });
  make_(*vcpu_.run_area(), made_++);
  --remaining_;
  in_flight_ = true;
  return ok();
}

void ScriptedVcpu::script_body(const Script& script) {
  script(*this);
  if (!ended_) debug_exit(kScriptEndedEarly);
}

void ScriptedVcpu::request(ExitMaker make, uint64_t count, bool wait) {
  std::unique_lock lock(mutex_);
  if (abandoned_ || ended_) return;
  make_ = std::move(make);
  made_ = 0;
  remaining_ = count;
  completed_ = false;
  changed_.notify_all();
  if (!wait) return;
  if (!changed_.wait_for(lock, kExitDeadline, [this] { return completed_; })) {
    abandoned_ = true;
    ADD_FAILURE() << "the VMM stopped taking this vCPU's exits";
  }
}

uint32_t ScriptedVcpu::mmio_read32(uint64_t gpa) {
  request([gpa](kvm_run& run, uint64_t) { mmio_exit(run, gpa, false, 0); }, 1, true);
  uint32_t value;
  std::memcpy(&value, vcpu_.run_area()->mmio.data, 4);
  return value;
}

void ScriptedVcpu::mmio_write32(uint64_t gpa, uint32_t value) {
  request([gpa, value](kvm_run& run, uint64_t) { mmio_exit(run, gpa, true, value); }, 1, true);
}

uint8_t ScriptedVcpu::pio_in8(uint16_t port) {
  request([port](kvm_run& run, uint64_t) { pio_exit(run, port, false, 0); }, 1, true);
  return reinterpret_cast<uint8_t*>(vcpu_.run_area())[kPioDataOffset];
}

void ScriptedVcpu::pio_out8(uint16_t port, uint8_t value) {
  request([port, value](kvm_run& run, uint64_t) { pio_exit(run, port, true, value); }, 1, true);
}

void ScriptedVcpu::burst(uint64_t count, ExitMaker make) {
  if (count > 0) request(std::move(make), count, true);
}

void ScriptedVcpu::debug_exit(uint8_t value) {
  request([value](kvm_run& run, uint64_t) { pio_exit(run, platform::kDebugExitPort, true, value); },
          1, false);
  std::lock_guard lock(mutex_);
  ended_ = true;
}

}  // namespace vmm::testing
