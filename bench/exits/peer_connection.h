// One TCP connection the bench peer (bench_peer.h) serves, driven by poll
// readiness and never blocking: a guest that stops reading cannot stall
// the peer's other connections. The mode comes with the connection's first
// byte (abi/netbench.h): echo sends every later byte back, source keeps the
// connection full, anything else discards. Echoed bytes wait in a bounded
// buffer; while it is full the connection is not read, so TCP's flow
// control holds the guest back instead of the peer's memory or thread.
#pragma once

#include <poll.h>

#include <cstddef>
#include <string>

#include "hv/kvm/file_descriptor.h"

namespace vmm::bench {

class PeerConnection {
 public:
  // A connection the guest opened; `fd` is non-blocking.
  static PeerConnection accepted(FileDescriptor fd, size_t max_unsent);
  // A connection the peer opened into the guest: the guest sends nothing on
  // it, the peer discards whatever comes and waits for EOF.
  static PeerConnection opened(FileDescriptor fd);

  int fd() const { return fd_.get(); }
  // What to poll for.
  short events() const;
  // Handles what poll reported; false once the connection is over (EOF,
  // error), when it should be dropped.
  bool handle(short revents);
  size_t unsent() const { return unsent_.size(); }

 private:
  PeerConnection(FileDescriptor fd, size_t max_unsent, bool mode_known)
      : fd_(std::move(fd)), max_unsent_(max_unsent), mode_known_(mode_known) {}
  bool receive();
  bool flush();
  bool refill();

  FileDescriptor fd_;
  size_t max_unsent_;
  bool mode_known_;
  bool echo_ = false;
  bool source_ = false;
  std::string unsent_;  // echo mode: read, not yet sent back
};

}  // namespace vmm::bench
