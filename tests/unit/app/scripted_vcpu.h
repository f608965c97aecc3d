// vCPU 0 of a VM on the mock KVM, played by a script on a thread of its own:
// each access the script makes (an MMIO or port access, the debug-exit
// write) becomes one return of the mocked KVM_RUN, which the real VMM
// handles before the script goes on, as a guest instruction waits for its
// exit. Between accesses the script writes and reads guest RAM directly, as
// a guest does without exits.
//
//   script thread                       vCPU 0 thread (the VMM's run loop)
//   mmio_write32(a, v) --request-->     run() puts the exit in kvm_run, returns
//                      <--completed--   handle_exit(); next run() reports it done
//   debug_exit(v)      --request-->     run() returns; the VM stops, no next run()
//
// A script that ends without debug_exit() (a failed ASSERT) ends the VM with
// value 0x7f, so the run never hangs and the status shows the failure.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "tests/unit/mock/mock_kvm.h"

namespace vmm::testing {

class ScriptedVcpu {
 public:
  using Script = std::function<void(ScriptedVcpu&)>;
  // Makes exit `i` of a burst in kvm_run, on the vCPU thread.
  using ExitMaker = std::function<void(kvm_run&, uint64_t i)>;
  static constexpr uint8_t kScriptEndedEarly = 0x7f;

  // Takes over `vcpu`'s run(); `script` starts at its first KVM_RUN.
  ScriptedVcpu(MockKvmVcpu& vcpu, Script script);
  ~ScriptedVcpu();  // joins the script thread
  ScriptedVcpu(const ScriptedVcpu&) = delete;
  ScriptedVcpu& operator=(const ScriptedVcpu&) = delete;

  uint32_t mmio_read32(uint64_t gpa);
  void mmio_write32(uint64_t gpa, uint32_t value);
  uint8_t pio_in8(uint16_t port);
  void pio_out8(uint16_t port, uint8_t value);
  // `count` exits made by `make` on the vCPU thread without a hand-off each,
  // for floods of thousands; returns once the VMM has handled the last.
  void burst(uint64_t count, ExitMaker make);
  // The script's last exit: the VM ends with status (value << 1) | 1.
  void debug_exit(uint8_t value);

 private:
  Result<void> run();  // the mocked KVM_RUN, on the vCPU thread
  void script_body(const Script& script);
  void request(ExitMaker make, uint64_t count, bool wait);

  MockKvmVcpu& vcpu_;
  Script script_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  ExitMaker make_;           // the request being played, if any
  uint64_t remaining_ = 0;   // exits of it not yet made
  uint64_t made_ = 0;        // exits of it made so far
  bool in_flight_ = false;   // an exit was returned and not yet completed
  bool completed_ = false;   // the request's last exit was handled
  bool ended_ = false;       // debug_exit() was requested: no more exits
  bool abandoned_ = false;   // the VMM stopped calling run(): give up
};

}  // namespace vmm::testing
