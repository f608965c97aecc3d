# The guest's virtio drivers (virtio-mmio transport, split virtqueue,
# virtio-net), for guest/CMakeLists.txt: include(virtio/sources.cmake) and
# add ${GUEST_VIRTIO_SOURCES} to the kernel. Paths relative to guest/.
set(GUEST_VIRTIO_SOURCES
  virtio/mmio_discover.cpp
  virtio/virtio_mmio.cpp
  virtio/virtqueue.cpp
  virtio/virtio_net.cpp
  virtio/virtio_net_rx.cpp
  virtio/virtio_net_tx.cpp
)
