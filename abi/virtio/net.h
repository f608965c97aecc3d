// The network device's part of the virtio 1.2 contract (§5.1): its feature
// bits, queues, configuration layout and the header in front of every
// frame. Freestanding (<stdint.h> and <stddef.h> only), shared by the VMM
// and both guests.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/virtio/common.h"

namespace virtio::net_spec {

// Feature bits (virtio 1.2 §5.1.3).
inline constexpr uint64_t kFeatureMac = feature(5);              // VIRTIO_NET_F_MAC
inline constexpr uint64_t kFeatureMergeRxBuffers = feature(15);  // VIRTIO_NET_F_MRG_RXBUF
inline constexpr uint64_t kFeatureStatus = feature(16);          // VIRTIO_NET_F_STATUS

// Queues of a device without VIRTIO_NET_F_MQ (virtio 1.2 §5.1.2).
inline constexpr uint16_t kReceiveQueue = 0;   // receiveq1
inline constexpr uint16_t kTransmitQueue = 1;  // transmitq1
inline constexpr uint16_t kQueueCount = 2;

// Configuration layout (virtio 1.2 §5.1.4); the fields past `status` only
// exist with features this project does not use.
struct Config {
  uint8_t mac[6];
  uint16_t status;               // VIRTIO_NET_S_*, valid with VIRTIO_NET_F_STATUS
  uint16_t max_virtqueue_pairs;  // valid with VIRTIO_NET_F_MQ
};
static_assert(sizeof(Config) == 10);
inline constexpr uint32_t kConfigMacOffset = offsetof(Config, mac);
inline constexpr uint32_t kConfigStatusOffset = offsetof(Config, status);
static_assert(kConfigMacOffset == 0 && kConfigStatusOffset == 6);
inline constexpr uint16_t kStatusLinkUp = 1;  // VIRTIO_NET_S_LINK_UP

// struct virtio_net_hdr (virtio 1.2 §5.1.6). With VIRTIO_F_VERSION_1 it
// always has num_buffers, so it is 12 bytes on both queues whatever
// MRG_RXBUF says.
struct Header {
  uint8_t flags;
  uint8_t gso_type;
  uint16_t hdr_len;
  uint16_t gso_size;
  uint16_t csum_start;
  uint16_t csum_offset;
  uint16_t num_buffers;  // chains holding this received frame (MRG_RXBUF)
};
static_assert(sizeof(Header) == 12 && offsetof(Header, num_buffers) == 10);
inline constexpr uint8_t kGsoNone = 0;  // VIRTIO_NET_HDR_GSO_NONE

}  // namespace virtio::net_spec
