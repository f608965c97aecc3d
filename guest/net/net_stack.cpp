#include "net_stack.h"

#include "core.h"
#include "link.h"

namespace net {

namespace {

// Every entry point ends by delivering what the stack sent to itself, so
// that loopback traffic never re-enters a layer that is still running.
class EntryScope {
 public:
  explicit EntryScope(NetCore& core) : core_(core) {}
  ~EntryScope() { core_.loopback.drain(); }
  EntryScope(const EntryScope&) = delete;
  EntryScope& operator=(const EntryScope&) = delete;

 private:
  NetCore& core_;
};

void copy_name(char* dst, const char* src) {
  size_t i = 0;
  for (; src != nullptr && src[i] != '\0' && i + 1 < kInterfaceNameMax; ++i) dst[i] = src[i];
  dst[i] = '\0';
}

bool name_fits(const char* name) {
  if (name == nullptr || name[0] == '\0') return false;
  for (size_t i = 0; i < kInterfaceNameMax; ++i) {
    if (name[i] == '\0') return true;
  }
  return false;
}

}  // namespace

NetStack::NetStack(NetEnv& env, const NetConfig& config) : env_(env), config_(config) {}

NetStack::~NetStack() { destroy_object(env_, core_); }

int NetStack::init() {
  if (core_ != nullptr) return 0;
  core_ = create_object<NetCore>(env_, env_, config_);
  if (core_ == nullptr) return -err::kNoMem;
  if (!core_->allocate_buffers()) {
    destroy_object(env_, core_);
    core_ = nullptr;
    return -err::kNoMem;
  }
  Interface& lo = core_->interfaces[kLoopbackInterface];
  copy_name(lo.name, "lo");
  lo.address = make_ipv4(127, 0, 0, 1);
  lo.prefix_len = 8;
  lo.mtu = kLoopbackMtu;
  lo.loopback = true;
  core_->interface_count = 1;
  return core_->routes.add(Route{make_ipv4(127, 0, 0, 0), 8, kIpv4Any, kLoopbackInterface});
}

int NetStack::add_interface(const InterfaceConfig& config) {
  if (config.device == nullptr || !name_fits(config.name) || config.prefix_len > 32 ||
      config.mtu < kMinMtu || config.mtu > kMaxEthernetMtu || config.mac.is_multicast()) {
    return -err::kInval;
  }
  if (core_->interface_count == kMaxInterfaces) return -err::kNoBufs;
  int index = core_->interface_count;
  Interface& iface = core_->interfaces[index];
  iface = Interface{};
  copy_name(iface.name, config.name);
  iface.mac = config.mac;
  iface.mtu = config.mtu;
  iface.device = config.device;
  core_->interface_count++;
  int r = set_interface_address(index, config.address, config.prefix_len);
  if (r < 0) {
    core_->interface_count--;
    return r;
  }
  return index;
}

int NetStack::set_interface_address(int index, Ipv4Addr address, uint8_t prefix_len) {
  Interface* iface = core_->interface(index);
  if (iface == nullptr || iface->loopback || prefix_len > 32) return -err::kInval;
  if (iface->address != kIpv4Any) core_->routes.remove(iface->address, iface->prefix_len);
  core_->arp.flush(index);
  iface->address = address;
  iface->prefix_len = prefix_len;
  if (address == kIpv4Any) return 0;
  return core_->routes.add(Route{address, prefix_len, kIpv4Any, index});
}

int NetStack::add_route(Ipv4Addr destination, uint8_t prefix_len, Ipv4Addr gateway, int iface) {
  if (core_->interface(iface) == nullptr) return -err::kInval;
  return core_->routes.add(Route{destination, prefix_len, gateway, iface});
}

int NetStack::set_default_gateway(Ipv4Addr gateway) {
  for (int i = 0; i < core_->interface_count; ++i) {
    const Interface& iface = core_->interfaces[i];
    if (!iface.loopback && iface.on_link(gateway)) return add_route(kIpv4Any, 0, gateway, i);
  }
  return -err::kNetUnreach;
}

int NetStack::interface_count() const { return core_->interface_count; }

const Interface* NetStack::interface(int iface) const { return core_->interface(iface); }

void NetStack::receive(int iface, const uint8_t* frame, size_t len) {
  EntryScope scope(*core_);
  if (frame == nullptr) return;
  link_receive(*core_, iface, ByteView{frame, len});
}

void NetStack::tick(uint64_t now_ns) {
  {
    EntryScope scope(*core_);
    core_->arp.tick(now_ns);
    core_->tcp.tick(now_ns);
  }
  core_->recompute_deadline();
}

uint64_t NetStack::next_deadline() const {
  if (!core_->loopback.empty()) return 0;  // packets to ourselves are due now
  return core_->earliest_deadline;
}

int NetStack::socket(int domain, int type, int protocol) {
  return core_->sockets.socket(domain, type, protocol);
}

int NetStack::socketpair(int domain, int type, int protocol, SocketId out[2]) {
  return core_->sockets.socketpair(domain, type, protocol, out);
}

int NetStack::bind(SocketId s, const void* addr, uint32_t addrlen) {
  return core_->sockets.bind(s, addr, addrlen);
}

int NetStack::listen(SocketId s, int backlog) { return core_->sockets.listen(s, backlog); }

int NetStack::accept(SocketId s, void* addr, uint32_t* addrlen) {
  return core_->sockets.accept(s, addr, addrlen);
}

int NetStack::connect(SocketId s, const void* addr, uint32_t addrlen) {
  EntryScope scope(*core_);
  return core_->sockets.connect(s, addr, addrlen);
}

int64_t NetStack::sendmsg(SocketId s, const MsgHeader& msg, int flags) {
  EntryScope scope(*core_);
  return core_->sockets.sendmsg(s, msg, flags);
}

int64_t NetStack::recvmsg(SocketId s, MsgHeader* msg, int flags) {
  EntryScope scope(*core_);
  return core_->sockets.recvmsg(s, msg, flags);
}

int64_t NetStack::send(SocketId s, const void* buf, size_t len, int flags) {
  return sendto(s, buf, len, flags, nullptr, 0);
}

int64_t NetStack::recv(SocketId s, void* buf, size_t len, int flags) {
  return recvfrom(s, buf, len, flags, nullptr, nullptr);
}

int64_t NetStack::sendto(SocketId s, const void* buf, size_t len, int flags, const void* addr,
                         uint32_t addrlen) {
  IoVec iov{const_cast<void*>(buf), len};
  MsgHeader msg{};
  msg.name = const_cast<void*>(addr);
  msg.namelen = addrlen;
  msg.iov = &iov;
  msg.iovlen = 1;
  return sendmsg(s, msg, flags);
}

int64_t NetStack::recvfrom(SocketId s, void* buf, size_t len, int flags, void* addr,
                           uint32_t* addrlen) {
  IoVec iov{buf, len};
  MsgHeader msg{};
  msg.name = addrlen != nullptr ? addr : nullptr;
  msg.namelen = addrlen != nullptr ? *addrlen : 0;
  msg.iov = &iov;
  msg.iovlen = 1;
  int64_t r = recvmsg(s, &msg, flags);
  if (r >= 0 && addrlen != nullptr) *addrlen = msg.namelen;
  return r;
}

int NetStack::shutdown(SocketId s, int how) {
  EntryScope scope(*core_);
  return core_->sockets.shutdown(s, how);
}

int NetStack::close(SocketId s) {
  EntryScope scope(*core_);
  return core_->sockets.close(s);
}

int NetStack::setsockopt(SocketId s, int level, int name, const void* value, uint32_t len) {
  EntryScope scope(*core_);
  return core_->sockets.setsockopt(s, level, name, value, len);
}

int NetStack::getsockopt(SocketId s, int level, int name, void* value, uint32_t* len) {
  return core_->sockets.getsockopt(s, level, name, value, len);
}

int NetStack::getsockname(SocketId s, void* addr, uint32_t* addrlen) {
  return core_->sockets.getsockname(s, addr, addrlen);
}

int NetStack::getpeername(SocketId s, void* addr, uint32_t* addrlen) {
  return core_->sockets.getpeername(s, addr, addrlen);
}

uint32_t NetStack::poll(SocketId s) const { return core_->sockets.poll(s); }

int NetStack::set_cookie(SocketId s, void* cookie) { return core_->sockets.set_cookie(s, cookie); }

int NetStack::timeouts(SocketId s, uint64_t* receive_ns, uint64_t* send_ns) const {
  return core_->sockets.timeouts(s, receive_ns, send_ns);
}

const NetCounters& NetStack::counters() const { return core_->counters; }

}  // namespace net
