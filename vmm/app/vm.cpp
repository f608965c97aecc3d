#include "vmm/app/vm.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "abi/platform.h"
#include "devices/acpi_sleep.h"
#include "vmm/stats/bench_marker.h"
#include "devices/debug_exit.h"
#include "vmm/acpi/acpi_tables.h"
#include "vmm/app/terminal_mode.h"
#include "hv/core/exit_status.h"
#include "vmm/cpu/pvh_boot.h"
#include "vmm/cpu/vcpu_setup.h"
#include "vmm/cpu/vm_setup.h"
#include "vmm/loader/e820.h"
#include "vmm/loader/start_info.h"

namespace vmm {

namespace {

constexpr uint64_t kUartPorts = 8;
constexpr uint64_t kDebugExitPorts = 2;  // QEMU's isa-debug-exit default iosize
constexpr uint64_t kAcpiSleepPorts = 2;  // control, status
constexpr uint64_t kBenchMarkerPorts = 4;  // one 32-bit OUT

}  // namespace

Vm::Vm(const VmConfig& config, GuestMemory memory)
    : config_(config), memory_(std::move(memory)) {}

Vm::~Vm() {
  for (auto& thread : vcpu_threads_) thread->join();
  if (device_thread_) device_thread_->stop();
  if (shmem_) shmem_->stop();
  lifecycle_.set_kicker(nullptr);
}

Result<std::unique_ptr<Vm>> Vm::create(const VmConfig& config, KvmSystem& kvm,
                                       GuestMemory memory, uint64_t entry_gpa,
                                       std::unique_ptr<net::NetBackend> net_backend,
                                       std::unique_ptr<net::NetBackend> shmem_backend) {
  std::unique_ptr<Vm> vm(new Vm(config, std::move(memory)));
  vm->kvm_vm_ = VMM_TRY(kvm.create_vm());
  VMM_TRY_VOID(configure_vm(*vm->kvm_vm_));
  VMM_TRY_VOID(vm->add_shmem(std::move(shmem_backend)));  // a memory region: before map_memory
  VMM_TRY_VOID(vm->map_memory());
  vm->device_thread_ = std::make_unique<DeviceThread>(vm->lifecycle_);
  VMM_TRY_VOID(vm->add_devices(std::move(net_backend)));
  VMM_TRY_VOID(vm->write_boot_data());
  VMM_TRY_VOID(vm->create_vcpus(kvm, entry_gpa));
  return vm;
}

// The region joins guest memory as a non-RAM region, so map_memory() gives it
// its KVM slot like any other and the guest's accesses never exit.
Result<void> Vm::add_shmem(std::unique_ptr<net::NetBackend> backend) {
  if (!config_.shmem) return ok();
  if (!backend) return make_error("--shmem: no network backend");
  shmem_ = VMM_TRY(ShmemSlot::create(*config_.shmem, memory_, std::move(backend)));
  return ok();
}

Result<void> Vm::map_memory() {
  uint32_t slot = 0;
  for (const auto& region : memory_.regions())
    VMM_TRY_VOID(kvm_vm_->set_user_memory_region(slot++, region.gpa, region.mapping.size(),
                                                 region.mapping.data()));
  return ok();
}

Result<void> Vm::write_boot_data() {
  AcpiConfig acpi;
  for (uint32_t i = 0; i < config_.vcpus; ++i) acpi.apic_ids.push_back(i);
  uint64_t rsdp = VMM_TRY(write_acpi_tables(memory_, acpi));
  std::vector<ReservedRange> reserved;
  if (shmem_) reserved.push_back(shmem_->e820_range());
  auto e820 = build_e820(memory_, reserved);
  return write_start_info(memory_, guest_cmdline(), rsdp, e820);
}

// The devices the guest cannot discover come first, then the user's words
// (which may end in " -- " and program arguments).
std::string Vm::guest_cmdline() const {
  std::vector<std::string> words;
  if (net_) words.push_back(net_->kernel_cmdline_entry());
  if (shmem_) words.push_back(shmem_->kernel_cmdline_entry());
  if (!config_.cmdline.empty()) words.push_back(config_.cmdline);
  std::string cmdline;
  for (const std::string& word : words) cmdline += (cmdline.empty() ? "" : " ") + word;
  return cmdline;
}

Result<void> Vm::add_devices(std::unique_ptr<net::NetBackend> net_backend) {
  uart_irq_ = std::make_unique<KvmIrqLine>(*kvm_vm_, platform::kUartCom1Irq);
  uart_ = std::make_shared<Uart16550>(console_, *uart_irq_);
  VMM_TRY_VOID(pio_bus_.insert(platform::kUartCom1Port, kUartPorts, "uart", uart_));
  VMM_TRY_VOID(pio_bus_.insert(platform::kDebugExitPort, kDebugExitPorts, "debug-exit",
                               std::make_shared<DebugExit>(lifecycle_)));
  VMM_TRY_VOID(pio_bus_.insert(platform::kAcpiSleepControlPort, kAcpiSleepPorts, "acpi-sleep",
                               std::make_shared<AcpiSleepRegisters>(lifecycle_)));
  // Runs on the marking vCPU's thread; vcpus_ exist by the time a guest runs.
  marker_ = std::make_shared<BenchMarker>([this] { return snapshot_counters(); });
  VMM_TRY_VOID(pio_bus_.insert(platform::kBenchMarkerPort, kBenchMarkerPorts, "bench-marker", marker_));
  if (net_backend) {
    net_ = VMM_TRY(VirtioNetSlot::create(
        0, std::move(net_backend), config_.use_ioeventfd,
        VirtioNetSlotDeps{*kvm_vm_, memory_, device_thread_->context(), mmio_bus_}));
  }
  return ok();
}

Result<void> Vm::create_vcpus(KvmSystem& kvm, uint64_t entry_gpa) {
  auto supported = VMM_TRY(kvm.supported_cpuid());
  for (uint32_t i = 0; i < config_.vcpus; ++i) {
    auto vcpu = VMM_TRY(kvm_vm_->create_vcpu(static_cast<int>(i)));
    VMM_TRY_VOID(configure_vcpu(*vcpu, supported, i, config_.vcpus));
    // Only the boot vCPU starts at the PVH entry; the others wait in KVM for
    // the guest's INIT-SIPI-SIPI.
    if (i == 0) VMM_TRY_VOID(set_pvh_boot_registers(*vcpu, entry_gpa, platform::kStartInfoGpa));
    vcpus_.push_back(std::move(vcpu));
    counters_.push_back(std::make_unique<VcpuExitCounters>());
  }
  return ok();
}

void Vm::kick_all() {
  for (auto& thread : vcpu_threads_) thread->kick();
}

// Before the first vCPU: a VM that cannot have the device (or the
// confinement) it was asked for ends at once, and no vCPU then runs a
// single instruction.
void Vm::start_helper_threads(const seccomp::ThreadFilters* filters) {
  auto device_started = device_thread_->start(filters);
  if (!device_started.ok())
    lifecycle_.request_stop(kStatusVmmError, "device thread: " + device_started.error().message);
  if (shmem_) {
    auto started = shmem_->start(filters);
    if (!started.ok())
      lifecycle_.request_stop(kStatusVmmError, shmem_->name() + ": " + started.error().message);
  }
}

// With filters, a vCPU thread runs its vCPU through a ConfinedVcpu, which
// confines the thread at its first KVM_RUN.
KvmVcpu& Vm::vcpu_for_thread(size_t index, const seccomp::ThreadFilters* filters) {
  if (!filters) return *vcpus_[index];
  confined_vcpus_.push_back(std::make_unique<ConfinedVcpu>(*vcpus_[index], *filters));
  return *confined_vcpus_.back();
}

VmStats Vm::run(const seccomp::ThreadFilters* filters) {
  TerminalRawInput raw_input(STDIN_FILENO);
  device_thread_->watch_stop_signals();
  if (isatty(STDIN_FILENO)) device_thread_->forward_input(STDIN_FILENO, *uart_);
  start_helper_threads(filters);

  // Kicks only reach threads that exist: the kicker is set after they all
  // started, and a stop requested earlier is seen by each loop on entry.
  for (size_t i = 0; i < vcpus_.size(); ++i)
    vcpu_threads_.push_back(std::make_unique<VcpuThread>(VcpuDeps{
        vcpu_for_thread(i, filters), pio_bus_, mmio_bus_, *counters_[i], unmapped_, lifecycle_, guest_symbolizer_}));
  lifecycle_.set_kicker([this] { kick_all(); });
  if (lifecycle_.stopping()) kick_all();
  // Last, once it has created every thread: a thread created later would
  // inherit this filter.
  if (filters) {
    auto confined = filters->install(seccomp::ThreadKind::kMain);
    if (!confined.ok()) lifecycle_.request_stop(kStatusVmmError, "main thread: " + confined.error().message);
  }

  lifecycle_.wait_for_stop();
  kick_all();
  // Join before destroying anything: a vCPU or the device thread may still
  // be inside the kicker, walking vcpu_threads_.
  for (auto& thread : vcpu_threads_) thread->join();
  device_thread_->stop();
  if (shmem_) shmem_->stop();
  lifecycle_.set_kicker(nullptr);
  vcpu_threads_.clear();
  console_.flush();
  return collect_stats();
}

// Any thread may call it: the VMM's counters are locked, KVM's are read with
// one pread of each vCPU's stats fd.
std::vector<VcpuStats> Vm::snapshot_vcpus() const {
  std::vector<VcpuStats> list;
  for (size_t i = 0; i < vcpus_.size(); ++i) {
    VcpuStats vcpu{static_cast<uint32_t>(i), counters_[i]->snapshot(), {}, {}};
    auto kvm = vcpus_[i]->read_stats();
    if (kvm.ok()) vcpu.kvm = std::move(*kvm);
    else vcpu.kvm_error = kvm.error().message;
    list.push_back(std::move(vcpu));
  }
  return list;
}

// The devices' counters only: a mark needs no properties, and the fewer
// strings it copies the less it perturbs what it measures.
CounterSnapshot Vm::snapshot_counters() const {
  CounterSnapshot snapshot{snapshot_vcpus(), {}};
  for (DeviceStats device : device_stats()) {
    device.properties.clear();
    snapshot.devices.push_back(std::move(device));
  }
  return snapshot;
}

std::vector<DeviceStats> Vm::device_stats() const {
  std::vector<DeviceStats> devices;
  if (net_) devices.push_back(net_->stats());
  if (shmem_) devices.push_back(shmem_->stats());
  return devices;
}

VmStats Vm::collect_stats() {
  VmStats stats;
  stats.exit_status = lifecycle_.exit_status();
  stats.stop_signal = lifecycle_.stop_signal();
  stats.stop_reason = lifecycle_.reason();
  stats.vcpus = snapshot_vcpus();
  stats.marks = marker_->take_record();
  stats.marks_dropped = stats.marks.dropped();
  stats.devices = device_stats();
  return stats;
}

}  // namespace vmm
