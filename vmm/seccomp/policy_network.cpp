// The network table: an Asio event loop with a network backend on it. The
// device thread runs the virtio-net device, its ioeventfd and irqfd, the
// `user` (libslirp) or `tap` backend, console input and the stop signals;
// the shared-memory poller runs its own libslirp network. Both, beside the
// runtime and read-only-opens tables.
//
// Seen in strace of the unit tests (vm_test, net_backend_test, shmem_test,
// guest_net_slirp_test: TCP both ways through slirp and a host forward, UDP
// echo, a refused connection): epoll_wait, epoll_ctl, poll, read, write,
// sendto, recvfrom, recvmsg (MSG_ERRQUEUE), socket, connect, accept,
// setsockopt (SO_REUSEADDR, SO_OOBINLINE, TCP_NODELAY, IP_TTL, IP_RECVERR),
// getsockopt, getsockname, shutdown, fcntl, ioctl FIONREAD, close.
// Added from reading libslirp 4.7, Boost.Asio 1.74, glibc 2.36 and GLib 2.74:
// the rest, each commented below.
#include "vmm/kvm/kvm_uapi.h"

#include <linux/sockios.h>
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
      // libslirp's sockets for the guest's connections and datagrams.
      // AF_INET/AF_INET6 for the guest's traffic; AF_UNIX for glibc's
      // if_nametoindex (a scoped nameserver in /etc/resolv.conf) and GLib's
      // check whether stderr is the journal. No netlink, packet, vsock...
      {"socket", {arg_equals(0, AF_INET)}},
      {"socket", {arg_equals(0, AF_INET6)}},
      {"socket", {arg_equals(0, AF_UNIX)}},
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
      // UDP datagram. SIOCGIFINDEX: glibc's if_nametoindex (above). TCGETS:
      // GLib's isatty on stderr when libslirp logs a warning.
      {"ioctl", {ioctl_request(FIONBIO)}},
      {"ioctl", {ioctl_request(FIONREAD)}},
      {"ioctl", {ioctl_request(SIOCGIFINDEX)}},
      {"ioctl", {ioctl_request(TCGETS)}},
      // libslirp's DNS forwarder stat()s and reads /etc/resolv.conf through
      // stdio when the guest uses 10.0.2.3 / 10.0.3.3 (get_dns_addr, again
      // once a second at most while it changes): newfstatat for stat and
      // for stdio's buffer, lseek when stdio repositions.
      {"newfstatat"},
      {"fstat"},
      {"lseek"},
  };
}

// The UART's receive interrupt when console input arrives (stdin a tty).
SyscallRules device_rules() {
  return {
      {"ioctl", {ioctl_request(KVM_IRQ_LINE)}},
  };
}

}  // namespace vmm::seccomp
