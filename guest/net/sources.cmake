# The guest network stack's sources, for the guest kernel build (which adds
# them to guest.elf) and for the host test library (tests/unit/guest_net).
# Freestanding C++20: no libc, no STL containers, no exceptions or RTTI.
set(GUEST_NET_DIR ${CMAKE_CURRENT_LIST_DIR})
# Headers include each other by file name; the kernel glue includes
# "net/net_stack.h" from guest/ (or "guest/net/net_stack.h" from the root).
set(GUEST_NET_SOURCES
  ${GUEST_NET_DIR}/arp.cpp
  ${GUEST_NET_DIR}/byte_ring.cpp
  ${GUEST_NET_DIR}/checksum.cpp
  ${GUEST_NET_DIR}/core.cpp
  ${GUEST_NET_DIR}/counters.cpp
  ${GUEST_NET_DIR}/datagram_queue.cpp
  ${GUEST_NET_DIR}/ethernet.cpp
  ${GUEST_NET_DIR}/icmp.cpp
  ${GUEST_NET_DIR}/iovec.cpp
  ${GUEST_NET_DIR}/ipv4.cpp
  ${GUEST_NET_DIR}/link.cpp
  ${GUEST_NET_DIR}/loopback.cpp
  ${GUEST_NET_DIR}/net_stack.cpp
  ${GUEST_NET_DIR}/route.cpp
  ${GUEST_NET_DIR}/socket_address.cpp
  ${GUEST_NET_DIR}/socket_bind.cpp
  ${GUEST_NET_DIR}/socket_create.cpp
  ${GUEST_NET_DIR}/socket_io.cpp
  ${GUEST_NET_DIR}/socket_options.cpp
  ${GUEST_NET_DIR}/socket_poll.cpp
  ${GUEST_NET_DIR}/socket_table.cpp
  ${GUEST_NET_DIR}/tcp_ack.cpp
  ${GUEST_NET_DIR}/tcp_connections.cpp
  ${GUEST_NET_DIR}/tcp_data.cpp
  ${GUEST_NET_DIR}/tcp_input.cpp
  ${GUEST_NET_DIR}/tcp_output.cpp
  ${GUEST_NET_DIR}/tcp_reassembly.cpp
  ${GUEST_NET_DIR}/tcp_rto.cpp
  ${GUEST_NET_DIR}/tcp_segment.cpp
  ${GUEST_NET_DIR}/tcp_state.cpp
  ${GUEST_NET_DIR}/tcp_timer.cpp
  ${GUEST_NET_DIR}/tcp_user.cpp
  ${GUEST_NET_DIR}/udp.cpp
  ${GUEST_NET_DIR}/unix_socket.cpp
)
