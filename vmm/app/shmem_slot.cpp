#include "vmm/app/shmem_slot.h"

#include "devices/shmem/shmem_region.h"
#include "hv/core/hex.h"

namespace vmm {

namespace {

// What the host tells the guest (ConfigLine::host_max_latency_ns): 0 when
// the poller never sleeps.
std::chrono::nanoseconds announced_latency(const PollSettings& poll) {
  return poll.policy == PollPolicy::kBusy ? std::chrono::nanoseconds(0) : poll.max_latency;
}

std::string size_with_suffix(uint64_t size) {
  constexpr struct {
    uint64_t unit;
    char suffix;
  } kUnits[] = {{1ull << 30, 'G'}, {1ull << 20, 'M'}, {1ull << 10, 'K'}};
  for (const auto& u : kUnits)
    if (size % u.unit == 0) return std::to_string(size / u.unit) + u.suffix;
  return std::to_string(size);
}

}  // namespace

std::string shmem_cmdline_entry(uint64_t gpa, uint64_t size) {
  return "shmem=" + size_with_suffix(size) + "@" + hex(gpa);
}

ShmemSlot::ShmemSlot(const ShmemDeviceConfig& config, std::span<uint8_t> region,
                     std::unique_ptr<ShmemNetAdapter> network)
    : config_(config), region_(region), network_(std::move(network)) {}

ShmemSlot::~ShmemSlot() { stop(); }

Result<std::unique_ptr<ShmemSlot>> ShmemSlot::create(const ShmemDeviceConfig& config,
                                                     GuestMemory& memory,
                                                     std::unique_ptr<net::NetBackend> backend) {
  auto network = VMM_TRY(ShmemNetAdapter::create(std::move(backend)));
  ShmemRegion region = VMM_TRY(ShmemRegion::create(config.size, announced_latency(config.poll)));
  std::span<uint8_t> bytes = region.bytes();  // moving the mapping does not move its pages
  auto added = memory.add_region(config.gpa, std::move(region).take_mapping(), /*is_ram=*/false);
  if (!added.ok()) return make_error("--shmem: " + added.error().message);
  return std::unique_ptr<ShmemSlot>(new ShmemSlot(config, bytes, std::move(network)));
}

std::string ShmemSlot::kernel_cmdline_entry() const {
  return shmem_cmdline_entry(config_.gpa, config_.size);
}

Result<void> ShmemSlot::start(const seccomp::ThreadFilters* filters) {
  if (poller_) return make_error(name_ + ": started twice");
  auto endpoint = VMM_TRY(ShmemEndpoint::attach(region_));
  ShmemBackend* backend = network_.get();
  if (filters) {
    confined_network_ = std::make_unique<ConfinedShmemBackend>(*network_, *filters);
    backend = confined_network_.get();
  }
  poller_ = VMM_TRY(ShmemPoller::start(std::move(endpoint), *backend, config_.poll));
  if (confined_network_) return confined_network_->confined();
  return ok();
}

void ShmemSlot::stop() {
  if (poller_) poller_->stop();
}

DeviceStats ShmemSlot::stats() const {
  ShmemStats s = poller_ ? poller_->stats() : ShmemStats{};
  net::BackendCounters backend = network_->backend_counters();
  DeviceStats stats;
  stats.name = name_;
  stats.type = "shmem";
  stats.properties = {{"backend", std::string(network_->kind())},
                      {"gpa", hex(config_.gpa)},
                      {"size", std::to_string(config_.size)},
                      {"slots_per_ring", std::to_string(shmem::slots_per_ring(config_.size))},
                      {"poll", std::string(poll_policy_name(config_.poll.policy))},
                      {"max_latency_ns", std::to_string(announced_latency(config_.poll).count())}};
  if (!s.stop_reason.empty()) stats.properties.emplace_back("error", s.stop_reason);
  stats.counters = {
      {"frames_to_host", s.frames_to_host},
      {"bytes_to_host", s.bytes_to_host},
      {"frames_to_guest", s.frames_to_guest},
      {"bytes_to_guest", s.bytes_to_guest},
      {"drops_refused_by_backend", s.drops[static_cast<size_t>(ShmemDrop::kRefusedByBackend)]},
      {"drops_too_long_for_guest", s.drops[static_cast<size_t>(ShmemDrop::kTooLongForGuest)]},
      {"rx_drops_no_buffer", backend.rx_dropped_no_buffer},
      {"rx_drops_backend_error", backend.rx_errors},
      {"tx_drops_backend_error", backend.tx_errors},
      {"tx_drops_socket_budget", backend.tx_dropped_socket_budget},
      {"polls", s.polls},
      {"spin_ns", s.spin_ns},
      {"sleep_ns", s.sleep_ns},
      {"sleeps", s.sleeps},
      {"failed", s.stop_error == shmem::ShmemError::kNone ? 0u : 1u}};
  return stats;
}

}  // namespace vmm
