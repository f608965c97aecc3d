#include "bench/exits/method_agreement.h"

#include <cmath>
#include <cstdio>

#include "abi/netbench.h"

namespace vmm::bench {

namespace {

// Phases whose calls need something first (a datagram asked of the peer,
// a connection), or whose set-up makes sockets per batch: that work is
// outside the intervals but inside a whole run.
const char* outside_work(uint16_t phase) {
  using namespace platform;
  switch (phase) {
    case kPhaseSocket: case kPhaseClose: case kPhaseBind: case kPhaseListen: case kPhaseConnectUdp:
      return "sockets made or closed between intervals";
    case kPhaseConnectTcp: case kPhaseShutdown: return "connections set up and torn down between intervals";
    case kPhaseAccept: return "the peer opens each connection between intervals";
    case kPhaseRecvUdp64: case kPhaseRecvUdp1400: case kPhaseRecvfrom: case kPhaseRecvmsg:
    case kPhaseRecvTcp64: case kPhaseRecvTcp16k:
      return "each datagram or segment is asked of the peer between intervals";
    case kPhaseRecvTcpStream16k: return "the peer's stream arrives between intervals too";
    case kPhaseSendTcp64: case kPhaseSendTcp16k: case kPhaseRoundTripUdp64:
      return "acknowledgements or echoes arrive after the interval";
    default: return nullptr;
  }
}

}  // namespace

bool methods_agree(double marks, double subtraction) {
  return std::fabs(marks - subtraction) <= 0.05 + 0.05 * std::fabs(marks) + 1e-9;
}

std::string method_agreement(uint16_t phase, double marks, std::optional<double> subtraction) {
  if (!subtraction) return {};
  char text[160];
  if (methods_agree(marks, *subtraction)) return "agree";
  if (const char* why = outside_work(phase)) {
    std::snprintf(text, sizeof text, "differ by %.2f: %s", *subtraction - marks, why);
    return text;
  }
  std::snprintf(text, sizeof text, "DISAGREE by %.2f", *subtraction - marks);
  return text;
}

}  // namespace vmm::bench
