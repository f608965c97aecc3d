# The bypass library (a user process's network stack over shm0's mapped
# rings, issue 18): for user programs, which add it with the stack's own
# sources (guest/net/sources.cmake), and for its host tests (tests/unit/bypass).
set(GUEST_BYPASS_DIR ${CMAKE_CURRENT_LIST_DIR})
set(GUEST_BYPASS_SOURCES
  ${GUEST_BYPASS_DIR}/arena.cpp
  ${GUEST_BYPASS_DIR}/bypass_env.cpp
  ${GUEST_BYPASS_DIR}/bypass_net.cpp
  ${GUEST_BYPASS_DIR}/bypass_sockets.cpp
  ${GUEST_BYPASS_DIR}/shm_ring_device.cpp
)
