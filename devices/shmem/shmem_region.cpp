#include "devices/shmem/shmem_region.h"

#include <cstring>
#include <string>

namespace vmm {

namespace {

void write_index(shmem::IndexLine& line) {
  std::memset(&line, 0, sizeof line);
  line.index = shmem::kInitialIndex;
}

}  // namespace

std::string describe_region_error(shmem::ShmemError error, uint64_t size) {
  return std::string("shared-memory region of ") + std::to_string(size) +
         " bytes: " + shmem::shmem_error_name(error);
}

Result<void> initialise_shmem_header(std::span<uint8_t> region, std::chrono::nanoseconds max_latency) {
  shmem::ShmemError e = shmem::check_region_size(region.size());
  if (e != shmem::ShmemError::kNone) return make_error(describe_region_error(e, region.size()));
  if (!shmem::region_aligned(region.data()))
    return make_error(describe_region_error(shmem::ShmemError::kRegionMisaligned, region.size()));
  if (max_latency.count() < 0) return make_error("negative maximum polling latency");
  shmem::Header* h = shmem::header_of(region.data());
  std::memset(h, 0, sizeof *h);
  h->config = shmem::expected_config(region.size());
  h->config.host_max_latency_ns = static_cast<uint64_t>(max_latency.count());
  h->host.state = static_cast<uint32_t>(shmem::HostState::kIdle);
  h->guest.state = static_cast<uint32_t>(shmem::GuestState::kAbsent);
  write_index(h->guest_to_host_head);
  write_index(h->guest_to_host_tail);
  write_index(h->host_to_guest_head);
  write_index(h->host_to_guest_tail);
  return ok();
}

Result<ShmemRegion> ShmemRegion::create(uint64_t size, std::chrono::nanoseconds max_latency) {
  shmem::ShmemError e = shmem::check_region_size(size);
  if (e != shmem::ShmemError::kNone) return make_error(describe_region_error(e, size));
  ShmemRegion region(VMM_TRY(MmapRegion::create_anonymous(size)));
  VMM_TRY_VOID(initialise_shmem_header(region.bytes(), max_latency));
  return region;
}

}  // namespace vmm
