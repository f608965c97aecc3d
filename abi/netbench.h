// The contract between the guest program `netbench` and `vmm-bench exits`:
// the phase ids netbench marks (abi/platform.h kBenchMarkStart/End ORed with
// an id), their names, and the protocol of the host peer it talks to.
// Freestanding, like abi/platform.h: both sides compile this one file.
//
// A phase measures one call. It is one or more marked intervals (start mark,
// the calls, end mark); together they hold exactly N calls (netbench -n N).
// Work a call needs beforehand (a socket to bind, a datagram to receive) is
// done outside the intervals, so an interval holds only the measured calls.
// After each phase netbench marks an idle phase (id | kNetbenchIdleFlag):
// one interval in which it sleeps as long as the phase's intervals lasted.
#pragma once

#include <stdint.h>

namespace platform {

enum NetbenchPhase : uint16_t {
  kPhaseMarkOnly = 1,  // empty intervals: what a pair of marks costs
  kPhaseSocket,
  kPhaseBind,
  kPhaseListen,
  kPhaseConnectUdp,
  kPhaseConnectTcp,
  kPhaseAccept,
  kPhaseSendUdp64,
  kPhaseRecvUdp64,
  kPhaseSendUdp1400,
  kPhaseRecvUdp1400,
  kPhaseSendTcp64,
  kPhaseRecvTcp64,
  kPhaseSendTcp16k,
  kPhaseRecvTcp16k,
  kPhaseSendto,
  kPhaseRecvfrom,
  kPhaseSendmsg,
  kPhaseRecvmsg,
  kPhaseSetsockopt,
  kPhaseGetsockopt,
  kPhasePoll,
  kPhaseShutdown,
  kPhaseClose,
  kPhaseRoundTripUdp64,
  kPhaseRecvTcpStream16k,
  kNetbenchPhaseEnd,  // one past the last
};

inline constexpr uint16_t kNetbenchIdleFlag = 0x100;

struct NetbenchPhaseInfo {
  uint16_t id;
  const char* name;         // what the reports call it
  const char* description;  // what exactly one call is
};

inline constexpr NetbenchPhaseInfo kNetbenchPhases[] = {
    {kPhaseMarkOnly, "(marks only)", "an empty interval: the markers' residue, should be 0"},
    {kPhaseSocket, "socket", "socket(AF_INET, SOCK_DGRAM)"},
    {kPhaseBind, "bind", "bind a fresh UDP socket to an ephemeral port"},
    {kPhaseListen, "listen", "listen on a bound TCP socket"},
    {kPhaseConnectUdp, "connect udp", "connect a UDP socket to the peer"},
    {kPhaseConnectTcp, "connect tcp", "connect a TCP socket: the whole handshake"},
    {kPhaseAccept, "accept", "accept a connection the peer opened (already queued)"},
    {kPhaseSendUdp64, "send udp 64B", "send 64 B on a connected UDP socket"},
    {kPhaseRecvUdp64, "recv udp 64B", "recv 64 B already queued on a UDP socket"},
    {kPhaseSendUdp1400, "send udp 1400B", "send 1400 B on a connected UDP socket"},
    {kPhaseRecvUdp1400, "recv udp 1400B", "recv 1400 B already queued on a UDP socket"},
    {kPhaseSendTcp64, "send tcp 64B", "send 64 B on a TCP connection (peer discards)"},
    {kPhaseRecvTcp64, "recv tcp 64B", "recv 64 B (MSG_WAITALL) once the first byte is readable"},
    {kPhaseSendTcp16k, "send tcp 16KiB", "send 16 KiB on a TCP connection (peer discards)"},
    {kPhaseRecvTcp16k, "recv tcp 16KiB", "recv 16 KiB (MSG_WAITALL) once the first byte is readable"},
    {kPhaseSendto, "sendto", "sendto 64 B on an unconnected UDP socket"},
    {kPhaseRecvfrom, "recvfrom", "recvfrom 64 B already queued, with the sender's address"},
    {kPhaseSendmsg, "sendmsg", "sendmsg 64 B in two iovecs on an unconnected UDP socket"},
    {kPhaseRecvmsg, "recvmsg", "recvmsg 64 B already queued, into two iovecs"},
    {kPhaseSetsockopt, "setsockopt", "setsockopt(SOL_SOCKET, SO_RCVBUF)"},
    {kPhaseGetsockopt, "getsockopt", "getsockopt(SOL_SOCKET, SO_RCVBUF)"},
    {kPhasePoll, "poll", "poll one idle UDP socket, timeout 0"},
    {kPhaseShutdown, "shutdown", "shutdown(SHUT_WR) of a TCP connection: sends FIN"},
    {kPhaseClose, "close", "close a UDP socket"},
    {kPhaseRoundTripUdp64, "round trip udp 64B", "send 64 B to the echo peer and recv its echo"},
    {kPhaseRecvTcpStream16k, "recv tcp stream 16KiB",
     "recv 16 KiB (MSG_WAITALL) from a connection the peer keeps full"},
};

inline constexpr const NetbenchPhaseInfo* netbench_phase(uint16_t id) {
  for (const auto& p : kNetbenchPhases)
    if (p.id == id) return &p;
  return nullptr;
}

// The host peer: one UDP port and one TCP port.
// UDP: a datagram whose first byte is kPeerEcho is sent back; one whose first
// byte is kPeerOpenConnection makes the peer open a TCP connection to the
// guest's accept port (through the VMM's port forward) and then sends the
// datagram back; any other datagram is dropped (the send phases' sink).
// TCP: the first byte of a connection picks its mode: kPeerEcho sends back
// every byte after it, kPeerSource sends bytes for as long as the guest
// reads them, anything else discards the connection's bytes.
inline constexpr uint8_t kPeerEcho = 'E';
inline constexpr uint8_t kPeerOpenConnection = 'A';
inline constexpr uint8_t kPeerSink = 'S';
inline constexpr uint8_t kPeerSource = 'R';

}  // namespace platform
