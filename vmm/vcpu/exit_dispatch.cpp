#include "vmm/vcpu/exit_dispatch.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <span>

#include "hv/core/hex.h"

namespace vmm {

namespace {

constexpr uint8_t kUnmappedReadValue = 0xff;  // an open bus reads as all ones

void access_bus(const Bus& bus, char bus_tag, uint64_t addr, std::span<uint8_t> data,
                bool is_write, const ExitContext& context) {
  const BusRange* range = bus.find(addr, data.size());
  if (!range) {
    if (context.unmapped.first_time(bus_tag, addr))
      spdlog::debug("vcpu {}: {} {} of {} bytes at {} hits no device", context.vcpu, bus.name(),
                    is_write ? "write" : "read", data.size(), hex(addr));
    if (!is_write) std::memset(data.data(), kUnmappedReadValue, data.size());
    return;
  }
  BusAccess access{addr - range->base, context.vcpu};
  if (is_write)
    range->device->write(access, data);
  else
    range->device->read(access, data);
}

ExitOutcome handle_io(kvm_run& run, size_t run_area_size, const ExitContext& context) {
  const auto& io = run.io;
  bool is_write = io.direction == KVM_EXIT_IO_OUT;
  const BusRange* range = context.pio_bus.find(io.port, std::max<uint64_t>(io.size, 1));
  context.counters.count_pio(range ? std::string_view(range->name) : kUnmappedRegion,
                             is_write ? Direction::kWrite : Direction::kRead);
  uint64_t bytes = uint64_t{io.size} * io.count;
  if (io.size == 0 || io.data_offset > run_area_size || bytes > run_area_size - io.data_offset)
    return {ExitAction::kVmmError, "KVM_EXIT_IO with data outside the kvm_run area"};
  auto* data = reinterpret_cast<uint8_t*>(&run) + io.data_offset;
  // String I/O (rep ins/outs) arrives as `count` accesses of `size` bytes.
  for (uint32_t i = 0; i < io.count; ++i)
    access_bus(context.pio_bus, 'p', io.port, std::span(data + i * io.size, io.size), is_write,
               context);
  return {ExitAction::kContinue, {}};
}

ExitOutcome handle_mmio(kvm_run& run, const ExitContext& context) {
  auto& mmio = run.mmio;
  if (mmio.len == 0 || mmio.len > sizeof mmio.data)
    return {ExitAction::kVmmError, "KVM_EXIT_MMIO with length " + std::to_string(mmio.len)};
  Direction direction = mmio.is_write ? Direction::kWrite : Direction::kRead;
  const BusRange* range = context.mmio_bus.find(mmio.phys_addr, mmio.len);
  context.counters.count_mmio(range ? std::string_view(range->name) : kUnmappedRegion, direction);
  access_bus(context.mmio_bus, 'm', mmio.phys_addr, std::span(mmio.data, mmio.len), mmio.is_write,
             context);
  return {ExitAction::kContinue, {}};
}

ExitOutcome handle_system_event(const kvm_run& run) {
  switch (run.system_event.type) {
    case KVM_SYSTEM_EVENT_SHUTDOWN:
      return {ExitAction::kGuestStopped, "guest requested shutdown"};
    case KVM_SYSTEM_EVENT_RESET:
      return {ExitAction::kGuestStopped, "guest requested reset"};
    case KVM_SYSTEM_EVENT_CRASH:
      return {ExitAction::kGuestFault, "guest reported a crash (KVM_SYSTEM_EVENT_CRASH)"};
    default:
      return {ExitAction::kVmmError,
              "unknown KVM_EXIT_SYSTEM_EVENT type " + std::to_string(run.system_event.type)};
  }
}

}  // namespace

bool UnmappedAccessLog::first_time(char bus, uint64_t addr) {
  std::lock_guard lock(mutex_);
  if (seen_.size() >= kMaxAddresses) return false;
  bool first = seen_.emplace(bus, addr).second;
  if (first && seen_.size() == kMaxAddresses)
    spdlog::debug("{} addresses without a device accessed; accesses to further ones are not logged",
                  kMaxAddresses);
  return first;
}

ExitOutcome handle_exit(kvm_run& run, size_t run_area_size, const ExitContext& context) {
  context.counters.count_exit(run.exit_reason);
  switch (run.exit_reason) {
    case KVM_EXIT_IO:
      return handle_io(run, run_area_size, context);
    case KVM_EXIT_MMIO:
      return handle_mmio(run, context);
    case KVM_EXIT_HLT:      // only without an in-kernel LAPIC; the guest waits
    case KVM_EXIT_INTR:     // a kick: the run loop looks at the stop flag
    case KVM_EXIT_IRQ_WINDOW_OPEN:
      return {ExitAction::kContinue, {}};
    case KVM_EXIT_SHUTDOWN:
      return {ExitAction::kGuestFault, "triple fault (KVM_EXIT_SHUTDOWN)"};
    case KVM_EXIT_FAIL_ENTRY:
      return {ExitAction::kGuestFault,
              "VM entry failed (KVM_EXIT_FAIL_ENTRY), hardware reason " +
                  hex(run.fail_entry.hardware_entry_failure_reason)};
    case KVM_EXIT_INTERNAL_ERROR:
      return {ExitAction::kGuestFault, "KVM internal error (KVM_EXIT_INTERNAL_ERROR), suberror " +
                                           std::to_string(run.internal.suberror)};
    case KVM_EXIT_SYSTEM_EVENT:
      return handle_system_event(run);
    default:
      return {ExitAction::kVmmError, "unhandled exit reason " + exit_reason_name(run.exit_reason)};
  }
}

}  // namespace vmm
