// The network table: an Asio event loop with a network backend on it. The
// device thread runs the virtio-net device, its ioeventfd and irqfd, the
// `user` (libslirp) or `tap` backend, console input and the stop signals;
// the shared-memory poller runs its own libslirp network. Both, beside the
// runtime and refused-opens tables.
//
// Seen in strace of the unit tests (vm_test, net_backend_test, shmem_test,
// guest_net_slirp_test: TCP both ways through slirp and a host forward, UDP
// echo, a refused connection): epoll_wait, epoll_ctl, poll, read, write,
// sendto, recvfrom, recvmsg (MSG_ERRQUEUE), socket, connect, accept,
// setsockopt (SO_REUSEADDR, SO_OOBINLINE, TCP_NODELAY, IP_TTL, IP_RECVERR),
// getsockopt, getsockname, shutdown, fcntl, ioctl FIONREAD, close; socket
// only as socket(AF_INET, SOCK_STREAM or SOCK_DGRAM | SOCK_CLOEXEC, 0).
// Added from reading libslirp 4.7, Boost.Asio 1.74, glibc 2.36 and GLib 2.74:
// the rest, each commented below.
#include "hv/kvm/kvm_uapi.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "vmm/seccomp/policy_tables.h"

namespace vmm::seccomp {

SyscallRules network_rules() {
  return {
      // Asio's reactor: waits, (de)registrations, its timers (one timerfd;
      // slirp's TCP timers and the poller's adaptive sleep are Asio timers).
      {"epoll_wait"},
      {"epoll_pwait"},
      {"epoll_ctl"},
      {"timerfd_settime"},
      // SlirpPoller: a zero-timeout poll gives slirp its exact revents.
      {"poll"},
      {"ppoll"},
      // eventfds (ioeventfd kicks, Asio's interrupter), the timerfd, Asio's
      // signal pipe, tap frames, console input; slirp reads sockets with
      // recv (recvfrom) but may use readv.
      {"read"},
      {"readv"},
      // libslirp's sockets for the guest's connections and datagrams, as
      // slirp_socket() (libslirp 4.7 util.c) asks for them: always with
      // SOCK_CLOEXEC; TCP (tcp_fconnect) and UDP (udp_attach, and the UDP
      // echo ping falls back to), protocol 0; ICMP datagram sockets for the
      // guest's pings of outside addresses (icmp_send; the kernel may
      // refuse them, net.ipv4.ping_group_range, and slirp falls back to
      // UDP). IPv4 only: every user network here has in6_enabled off, so
      // slirp drops the guest's IPv6 and never opens an AF_INET6 socket.
      // Host forwards' listening sockets are made at set-up. No raw,
      // netlink, packet or vsock socket, nor another type or protocol.
      {"socket", {arg_equals(0, AF_INET), arg_equals(1, SOCK_STREAM | SOCK_CLOEXEC), arg_equals(2, 0)}},
      {"socket", {arg_equals(0, AF_INET), arg_equals(1, SOCK_DGRAM | SOCK_CLOEXEC), arg_equals(2, 0)}},
      {"socket", {arg_equals(0, AF_INET), arg_equals(1, SOCK_DGRAM | SOCK_CLOEXEC), arg_equals(2, IPPROTO_ICMP)}},
      // Local (AF_UNIX) sockets fail with EACCES instead of killing: no
      // backend uses one, but libraries open one lazily and cope when it
      // fails: GLib's journald log writer (when stderr is the journal and
      // libslirp logs a warning) then writes to stderr. (glibc's
      // if_nametoindex, for a scoped nameserver in /etc/resolv.conf, also
      // tries AF_UNIX first; that file is no longer read on these threads,
      // slirp_resolver.h, and SIOCGIFINDEX is not allowed either.)
      {"socket", {arg_equals(0, AF_UNIX)}, EACCES},
      {"connect"},
      // Host forwards listen at set-up; bind/listen are here because slirp
      // binds outbound sockets when told an outbound address and has
      // listen paths for its (disabled) protocol emulation: kept rather
      // than risk a kill on a path not read closely enough.
      {"bind"},
      {"listen"},
      {"accept"},
      {"accept4"},
      {"shutdown"},
      {"getsockname"},
      {"getpeername"},
      {"setsockopt"},
      {"getsockopt"},
      {"sendto"},
      {"recvfrom"},
      {"sendmsg"},
      {"recvmsg"},
      // O_NONBLOCK and FD_CLOEXEC on slirp's sockets.
      {"fcntl"},
      {"close"},
      // FIONBIO: Asio makes a descriptor non-blocking when an asynchronous
      // read or write on it first starts. FIONREAD: slirp sizes a waiting
      // UDP datagram. TCGETS: GLib's isatty on stderr when libslirp logs a
      // warning.
      {"ioctl", {ioctl_request(FIONBIO)}},
      {"ioctl", {ioctl_request(FIONREAD)}},
      {"ioctl", {ioctl_request(TCGETS)}},
      // libslirp's DNS forwarder stat()s /etc/resolv.conf (at most once a
      // second while the guest sends DNS queries) to see whether it changed
      // since it was read before confinement (slirp_resolver.h); a changed
      // file is not re-read here: the open fails (refused_opens). glibc's
      // stdio sizes a stream's buffer with newfstatat (fstat) on its first
      // use, e.g. when GLib prints a libslirp warning to stderr.
      {"newfstatat"},
      {"fstat"},
  };
}

// The UART's receive interrupt when console input arrives (stdin a tty).
SyscallRules device_rules() {
  return {
      {"ioctl", {ioctl_request(KVM_IRQ_LINE)}},
  };
}

}  // namespace vmm::seccomp
