#include "devices/shmem/shmem_endpoint.h"

#include "devices/shmem/shmem_region.h"

namespace vmm {

Result<ShmemEndpoint> ShmemEndpoint::attach(std::span<uint8_t> region) {
  shmem::ShmemError e = shmem::check_region_size(region.size());
  if (e == shmem::ShmemError::kNone && !shmem::region_aligned(region.data()))
    e = shmem::ShmemError::kRegionMisaligned;
  if (e != shmem::ShmemError::kNone) return make_error(describe_region_error(e, region.size()));
  // The host's private geometry: computed from the size, as when it wrote
  // the header, so a guest that rewrites the config changes nothing here.
  shmem::ConfigLine config = shmem::expected_config(region.size());
  shmem::Header* h = shmem::header_of(region.data());
  ShmemEndpoint endpoint(h, config.slots_per_ring);
  endpoint.from_guest_ = shmem::RingConsumer(shmem::RingPlace{
      shmem::ring_slots(region.data(), config.guest_to_host_offset), config.slots_per_ring,
      &h->guest_to_host_tail.index, &h->guest_to_host_head.index, shmem::kInitialIndex});
  endpoint.to_guest_ = shmem::RingProducer(shmem::RingPlace{
      shmem::ring_slots(region.data(), config.host_to_guest_offset), config.slots_per_ring,
      &h->host_to_guest_head.index, &h->host_to_guest_tail.index, shmem::kInitialIndex});
  return endpoint;
}

GuestStatusReading ShmemEndpoint::read_guest_status() const {
  // Acquire pairs with the guest's release in guest_announce_ready().
  uint32_t state = __atomic_load_n(&header_->guest.state, __ATOMIC_ACQUIRE);
  if (state > static_cast<uint32_t>(shmem::GuestState::kStopped))
    return {shmem::GuestState::kAbsent, shmem::ShmemError::kBadGuestState, state};
  auto guest_state = static_cast<shmem::GuestState>(state);
  if (guest_state != shmem::GuestState::kReady) return {guest_state, shmem::ShmemError::kNone, 0};
  uint64_t features = __atomic_load_n(&header_->guest.features, __ATOMIC_RELAXED);
  if (features & ~host_features_)
    return {guest_state, shmem::ShmemError::kBadGuestFeatures, features};
  return {guest_state, shmem::ShmemError::kNone, 0};
}

void ShmemEndpoint::publish_state(shmem::HostState state, shmem::ShmemError error) {
  __atomic_store_n(&header_->host.error, static_cast<uint32_t>(error), __ATOMIC_RELAXED);
  __atomic_store_n(&header_->host.state, static_cast<uint32_t>(state), __ATOMIC_RELEASE);
}

void ShmemEndpoint::publish_counters(uint64_t frames_to_guest, uint64_t frames_from_guest,
                                     uint64_t drops) {
  __atomic_store_n(&header_->host.frames_to_guest, frames_to_guest, __ATOMIC_RELAXED);
  __atomic_store_n(&header_->host.frames_from_guest, frames_from_guest, __ATOMIC_RELAXED);
  __atomic_store_n(&header_->host.drops, drops, __ATOMIC_RELAXED);
}

}  // namespace vmm
