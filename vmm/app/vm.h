// A built virtual machine: guest memory in KVM slots, loaded kernel, devices
// on their buses, ACPI tables and start_info written (the command line
// announcing the virtio-mmio and shared-memory devices first), vCPUs
// configured. run() starts one thread per vCPU, the device thread and the
// shared-memory poller, waits until the VM stops, joins every thread and
// returns the statistics. Given seccomp filters, each of those threads and
// then the calling (main) thread confine themselves (vmm/seccomp).
#pragma once

#include <memory>
#include <vector>

#include "devices/output_sink.h"
#include "vmm/stats/bench_marker.h"
#include "devices/uart_16550.h"
#include "vmm/app/confined_vcpu.h"
#include "vmm/app/device_thread.h"
#include "vmm/app/kvm_irq_line.h"
#include "vmm/app/shmem_slot.h"
#include "vmm/app/virtio_net_slot.h"
#include "hv/bus/bus.h"
#include "vmm/cli/vm_config.h"
#include "hv/core/vm_lifecycle.h"
#include "hv/kvm/kvm.h"
#include "hv/memory/guest_memory.h"
#include "vmm/stats/vm_stats.h"
#include "vmm/vcpu/exit_dispatch.h"
#include "vmm/vcpu/vcpu_thread.h"

namespace vmm {

class Vm {
 public:
  // `memory` already holds the loaded kernel; `entry_gpa` is its PVH entry.
  // `net_backend`, if given, gets a virtio-net device in virtio-mmio slot 0.
  // `shmem_backend` is the network behind the shared-memory device, required
  // when config.shmem is set.
  static Result<std::unique_ptr<Vm>> create(const VmConfig& config, KvmSystem& kvm,
                                            GuestMemory memory, uint64_t entry_gpa,
                                            std::unique_ptr<net::NetBackend> net_backend = nullptr,
                                            std::unique_ptr<net::NetBackend> shmem_backend = nullptr);
  ~Vm();

  // With `filters`, the calling thread is confined by the main thread's
  // filter from the moment every other thread runs, for good: everything it
  // does afterwards, tearing the VM down and exiting included, must be in
  // that filter (vmm/seccomp/policy_main.cpp).
  VmStats run(const seccomp::ThreadFilters* filters = nullptr);

  // Names guest addresses in the vCPUs' fault reports; call before run().
  void name_guest_addresses(GuestSymbolizer symbolize) { guest_symbolizer_ = std::move(symbolize); }

 private:
  Vm(const VmConfig& config, GuestMemory memory);
  Result<void> add_shmem(std::unique_ptr<net::NetBackend> backend);
  Result<void> map_memory();
  Result<void> write_boot_data();
  std::string guest_cmdline() const;
  Result<void> add_devices(std::unique_ptr<net::NetBackend> net_backend);
  Result<void> create_vcpus(KvmSystem& kvm, uint64_t entry_gpa);
  void start_helper_threads(const seccomp::ThreadFilters* filters);
  KvmVcpu& vcpu_for_thread(size_t index, const seccomp::ThreadFilters* filters);
  void kick_all();
  std::vector<VcpuStats> snapshot_vcpus() const;
  CounterSnapshot snapshot_counters() const;
  std::vector<DeviceStats> device_stats() const;
  VmStats collect_stats();

  VmConfig config_;
  VmLifecycle lifecycle_;
  GuestMemory memory_;
  std::unique_ptr<KvmVm> kvm_vm_;
  std::vector<std::unique_ptr<KvmVcpu>> vcpus_;
  std::vector<std::unique_ptr<VcpuExitCounters>> counters_;
  UnmappedAccessLog unmapped_;
  GuestSymbolizer guest_symbolizer_;
  Bus pio_bus_{"pio"};
  Bus mmio_bus_{"mmio"};
  FdOutputSink console_{1};
  std::unique_ptr<KvmIrqLine> uart_irq_;
  std::shared_ptr<Uart16550> uart_;
  std::shared_ptr<BenchMarker> marker_;
  // The device thread's io_context must outlive the I/O objects devices bind
  // to it, so it is declared before them; ~Vm stops the thread first.
  std::unique_ptr<DeviceThread> device_thread_;
  std::unique_ptr<VirtioNetSlot> net_;
  // Its region lives in memory_ (declared earlier, destroyed later).
  std::unique_ptr<ShmemSlot> shmem_;
  // What the vCPU threads run when they confine themselves (run(filters)).
  std::vector<std::unique_ptr<ConfinedVcpu>> confined_vcpus_;
  // vCPU threads last: destroyed (joined) before anything they use.
  std::vector<std::unique_ptr<VcpuThread>> vcpu_threads_;
};

}  // namespace vmm
