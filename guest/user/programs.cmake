# The user programs embedded in guest.elf: a name (what init= and spawn use)
# and its sources under guest/user/. guest/CMakeLists.txt builds each into
# NAME.elf and generates the embedding (programs.S) and the table
# (programs_table.inc) from this list, so adding a program touches only
# this file and guest/user/.
set(GUEST_USER_PROGRAMS selftest panic-test smap-test echo readline)
set(USER_SOURCES_selftest user/selftest.cpp user/checks_memory.cpp user/checks_sched.cpp
    user/checks_syscall.cpp user/regs.S)
set(USER_SOURCES_panic-test user/panic_test.cpp)
set(USER_SOURCES_smap-test user/smap_test.cpp)
set(USER_SOURCES_echo user/echo.cpp)
set(USER_SOURCES_readline user/readline.cpp)
# A hostile guest for the shared-memory device (tests/integration).
list(APPEND GUEST_USER_PROGRAMS shm-scribble)
set(USER_SOURCES_shm-scribble user/shm_scribble.cpp)

# Network programs: the socket library (unet) and the patterns and hash
# they check data with are compiled into each.
list(APPEND GUEST_USER_PROGRAMS ping udpecho tcpecho tcpsend tcprecv)
set(USER_SOURCES_ping user/ping.cpp user/unet.cpp)
set(USER_SOURCES_udpecho user/udpecho.cpp user/kernel_entries.cpp user/unet.cpp)
set(USER_LIBS_udpecho guest_ubypass)  # --bypass
set(USER_SOURCES_tcpecho user/tcpecho.cpp user/tcp_path.cpp user/unet.cpp)
set(USER_LIBS_tcpecho guest_ubypass)  # --bypass
set(USER_SOURCES_tcpsend user/tcpsend.cpp user/tcp_path.cpp user/unet.cpp user/sha256.cpp)
set(USER_LIBS_tcpsend guest_ubypass)  # --bypass
set(USER_SOURCES_tcprecv user/tcprecv.cpp user/tcp_path.cpp user/unet.cpp user/sha256.cpp)
set(USER_LIBS_tcprecv guest_ubypass)  # --bypass
list(APPEND GUEST_USER_PROGRAMS netcheck)
set(USER_SOURCES_netcheck user/netcheck.cpp user/unet.cpp)
# The exit-count benchmark's guest side (vmm-bench exits; abi/netbench.h).
list(APPEND GUEST_USER_PROGRAMS netbench)
set(USER_SOURCES_netbench user/netbench.cpp user/net_calls.cpp user/unet.cpp)
set(USER_LIBS_netbench guest_ubypass)  # --bypass
# The soak (issue 8): UDP and TCP on every path at once, everything checked.
list(APPEND GUEST_USER_PROGRAMS soak)
set(USER_SOURCES_soak user/soak.cpp user/unet.cpp)
# The hand-over of shm0's rings to a user process (shm_take(2), issue 18).
list(APPEND GUEST_USER_PROGRAMS shm-take)
set(USER_SOURCES_shm-take user/shm_take.cpp user/unet.cpp)
set(USER_LIBS_shm-take guest_ubypass)
