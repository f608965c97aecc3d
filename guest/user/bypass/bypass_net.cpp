#include "bypass_net.h"

namespace bypass {

namespace {
constexpr uint32_t kTroubleEvents = net::kPollErr | net::kPollHup;
constexpr int kTimedOut = -net::err::kTimedOut;
}  // namespace

net::SockAddrIn ipv4_socket_address(net::Ipv4Addr address, uint16_t port) {
  net::SockAddrIn a{};
  a.family = net::kAfInet;
  a.port_be = net::host_to_be16(port);
  a.addr_be = net::host_to_be32(address);
  return a;
}

int BypassNet::fail(int error, const char* where, const char* what) {
  error_ = error;
  where_ = where;
  what_ = what;
  return error;
}

int BypassNet::start(const BypassConfig& config) {
  if (stack_ != nullptr) return fail(-net::err::kInval, "config", "already started");
  error_ = 0;
  if (!config.clock.valid()) return fail(-net::err::kInval, "config", "no clock");
  if (config.arena == nullptr || config.arena_size < kMinArena)
    return fail(-net::err::kInval, "config", "arena missing or below BypassNet::kMinArena");
  env_.init(config.arena, config.arena_size, config.clock, config.seed);
  if (device_.attach(config.region, config.region_size, config.clock) != shmem::ShmemError::kNone)
    return fail(-net::err::kInval, "attach", "");
  int r = bring_up(config);
  if (r != 0) {
    stop();
    return r;
  }
  return 0;
}

int BypassNet::bring_up(const BypassConfig& config) {
  stack_ = new (stack_storage_) net::NetStack(env_, config.stack);
  if (stack_->init() != 0) return fail(-net::err::kNoMem, "stack", "arena too small for the stack");
  net::InterfaceConfig ic;
  ic.name = "shm0";
  ic.mac = config.mac;
  ic.address = config.address;
  ic.prefix_len = config.prefix_len;
  ic.device = &device_;
  iface_ = stack_->add_interface(ic);
  if (iface_ < 0) return fail(iface_, "stack", "cannot add shm0 (address or prefix)");
  if (config.gateway != net::kIpv4Any) {
    int r = stack_->set_default_gateway(config.gateway);
    if (r != 0) return fail(r, "stack", "gateway not on shm0's subnet");
  }
  return 0;
}

void BypassNet::stop() {
  if (stack_ != nullptr) {
    stack_->~NetStack();
    stack_ = nullptr;
  }
  iface_ = -1;
  device_.detach();
}

Failure BypassNet::failure() const {
  bool rings_failed = device_.broken() && device_.error() != shmem::ShmemError::kNotAttached;
  if (rings_failed)
    return {error_ != 0 ? error_ : -kNetDown, device_.error(), device_.where(), what_, device_.bad_value()};
  return {error_, shmem::ShmemError::kNone, where_, what_, 0};
}

void BypassNet::deliver(void* self, const uint8_t* frame, size_t len) {
  auto* net = static_cast<BypassNet*>(self);
  net->stack_->receive(net->iface_, frame, len);
}

int BypassNet::poll() {
  if (!running()) return -kNetDown;
  uint32_t frames = device_.receive(kPollBudget, deliver, this);
  // Extra ticks are harmless (net_stack.h), a missed one stalls TCP: tick
  // whenever the earliest deadline has come.
  uint64_t now = now_ns();
  if (now >= stack_->next_deadline()) stack_->tick(now);
  if (device_.broken()) return -kNetDown;
  return static_cast<int>(frames);
}

uint64_t BypassNet::deadline_after(uint64_t ns) const {
  uint64_t now = now_ns();
  return ns >= net::kNoDeadline - now ? net::kNoDeadline : now + ns;
}

int BypassNet::step(uint64_t deadline_ns) {
  int r = poll();
  if (r < 0) return r;
  if (deadline_ns != net::kNoDeadline && now_ns() >= deadline_ns) return kTimedOut;
  return 0;
}

int64_t BypassNet::wait_until(net::SocketId s, uint32_t events, uint64_t deadline_ns) {
  for (;;) {
    if (!running()) return -kNetDown;
    uint32_t mask = stack_->poll(s);
    if ((mask & (events | kTroubleEvents | net::kPollNval)) != 0) return mask;
    int r = step(deadline_ns);
    if (r < 0) return r;
  }
}

int64_t BypassNet::wait_to_retry(net::SocketId s, uint32_t events, uint64_t deadline_ns) {
  int64_t mask = wait_until(s, events, deadline_ns);
  if (mask < 0 || (mask & events) != 0) return mask;
  // Only an error or a hang-up: the call retried next reports it. Should it
  // say "try again" all the same, this poll keeps the retry loop from
  // spinning past the deadline without looking at the rings.
  int r = step(deadline_ns);
  return r < 0 ? r : mask;
}

int BypassNet::connect_until(net::SocketId s, const void* addr, uint32_t len, uint64_t deadline_ns) {
  int r = connect(s, addr, len);
  // -EINPROGRESS first, -EALREADY while the handshake runs (net_stack.h).
  while (r == -net::err::kInProgress || r == -net::err::kAlready) {
    int64_t w = wait_to_retry(s, net::kPollOut, deadline_ns);
    if (w < 0) return static_cast<int>(w);
    r = connect(s, addr, len);
  }
  return r;
}

int BypassNet::accept_until(net::SocketId s, void* addr, uint32_t* len, uint64_t deadline_ns) {
  for (;;) {
    int r = accept(s, addr, len);
    if (r != -net::err::kAgain) return r;
    int64_t w = wait_to_retry(s, net::kPollIn, deadline_ns);
    if (w < 0) return static_cast<int>(w);
  }
}

template <typename Receive>
int64_t BypassNet::receive_until(net::SocketId s, uint64_t deadline_ns, Receive receive) {
  for (;;) {
    int64_t r = receive();
    if (r != -net::err::kAgain) return r;
    int64_t w = wait_to_retry(s, net::kPollIn, deadline_ns);
    if (w < 0) return w;
  }
}

int64_t BypassNet::recv_until(net::SocketId s, void* buf, size_t n, uint64_t deadline_ns) {
  return recvfrom_until(s, buf, n, nullptr, nullptr, deadline_ns);
}

int64_t BypassNet::recvfrom_until(net::SocketId s, void* buf, size_t n, void* addr, uint32_t* len,
                                  uint64_t deadline_ns) {
  return receive_until(s, deadline_ns, [&] { return recvfrom(s, buf, n, 0, addr, len); });
}

int64_t BypassNet::recvmsg_until(net::SocketId s, net::MsgHeader* msg, uint64_t deadline_ns) {
  return receive_until(s, deadline_ns, [&] { return recvmsg(s, msg, 0); });
}

int64_t BypassNet::send_all_until(net::SocketId s, const void* buf, size_t n, uint64_t deadline_ns) {
  const auto* bytes = static_cast<const uint8_t*>(buf);
  size_t sent = 0;
  while (sent < n) {
    int64_t r = send(s, bytes + sent, n - sent, 0);
    if (r > 0) {
      sent += static_cast<size_t>(r);
      continue;
    }
    if (r != -net::err::kAgain) return r;
    int64_t w = wait_to_retry(s, net::kPollOut, deadline_ns);
    if (w < 0) return w;
  }
  return static_cast<int64_t>(sent);
}

}  // namespace bypass
