// The network interfaces: every virtio-net device the command line
// announces becomes eth0, eth1, ...; its interrupt drains the receive queue
// into the stack. Addresses: ip=ADDR/PREFIX and gw=ADDR for eth0, by default
// the user backend's (10.0.2.15/24, gateway 10.0.2.2; docs/ARCHITECTURE.md §5). The
// shared-memory device (shmem=SIZE@ADDR) becomes shm0, polled, with
// shm_ip=ADDR/PREFIX (default 10.0.3.15/24: the VMM's second user network,
// whose host side is 10.0.3.2).
#include "netglue/netif.h"

#include "arch/x86/cpu/tsc.h"
#include "arch/x86/platform/irq.h"
#include "boot/cmdline.h"
#include "dev/shm/shm_net.h"
#include "dev/virtio/virtio_net_driver.h"
#include "kernel/console.h"
#include "mm/aspace.h"
#include "mm/kheap.h"
#include "netglue/netglue.h"
#include "proc/process.h"
#include "sched/idle.h"
#include "uapi/abi.h"
#include "uapi/errno.h"

namespace {

constexpr int kMaxNics = 4;
// Frames one pass of the receive path hands to the stack before it looks
// again (interrupts stay suppressed until a pass finds the queue empty).
constexpr uint32_t kRxBudget = 64;

struct Nic {
  virtio::NetDriver* driver = nullptr;
  int iface = -1;
  net::NetStack* stack = nullptr;
};

Nic g_nics[kMaxNics];
int g_nic_count;

void deliver(void* ctx, const uint8_t* frame, size_t len) {
  Nic* nic = static_cast<Nic*>(ctx);
  nic->stack->receive(nic->iface, frame, len);
}

// Lock held. NAPI's shape (Linux's net/core/dev.c, in miniature): with the
// queue's interrupt off, take what is there; turn the interrupt back on only
// when a pass finds nothing more, and look once more after that (a frame
// that came in between would otherwise wait for the next one).
void drain_rx_locked(Nic* nic) {
  nic->driver->disable_rx_interrupts();
  for (;;) {
    while (nic->driver->poll_rx(kRxBudget, deliver, nic) == kRxBudget) {
    }
    if (nic->driver->enable_rx_interrupts()) return;
    nic->driver->disable_rx_interrupts();
  }
}

void poll_nic(void* ctx) {
  Nic* nic = static_cast<Nic*>(ctx);
  if (nic->driver->rx_pending()) drain_rx_locked(nic);
}

void on_nic_interrupt(void* ctx) {
  Nic* nic = static_cast<Nic*>(ctx);
  nic->driver->ack_interrupt();  // level-triggered: deassert before EOI
  NetLocker lock;
  drain_rx_locked(nic);
}

bool parse_ipv4(Str s, net::Ipv4Addr* out) {
  net::Ipv4Addr a = 0;
  for (int part = 0; part < 4; ++part) {
    size_t dot = s.find('.');
    if ((part < 3) != (dot < s.len)) return false;
    uint64_t v;
    if (!parse_u64(s.substr(0, dot), &v) || v > 255) return false;
    a = (a << 8) | static_cast<net::Ipv4Addr>(v);
    s = s.substr(dot + 1);
  }
  *out = a;
  return true;
}

// "ADDR/PREFIX" (PREFIX defaults to 24).
bool parse_cidr(Str s, net::Ipv4Addr* addr, uint8_t* prefix) {
  size_t slash = s.find('/');
  uint64_t p = 24;
  if (slash < s.len && (!parse_u64(s.substr(slash + 1), &p) || p > 32)) return false;
  *prefix = static_cast<uint8_t>(p);
  return parse_ipv4(s.substr(0, slash), addr);
}

struct Addressing {
  net::Ipv4Addr address = net::make_ipv4(10, 0, 2, 15);
  uint8_t prefix = 24;
  net::Ipv4Addr gateway = net::make_ipv4(10, 0, 2, 2);
};

// key=ADDR/PREFIX into *address/*prefix, unless absent or malformed.
void cidr_from_cmdline(const char* key, net::Ipv4Addr* address, uint8_t* prefix) {
  Str v;
  net::Ipv4Addr a;
  uint8_t p;
  if (!cmdline::get(key, &v)) return;
  if (!parse_cidr(v, &a, &p)) {
    kprintf("net: ignoring malformed %s=%.*s (want ADDR/PREFIX)\n", key, static_cast<int>(v.len), v.data);
    return;
  }
  *address = a;
  *prefix = p;
}

Addressing addressing_from_cmdline() {
  Addressing a;
  Str v;
  cidr_from_cmdline("ip", &a.address, &a.prefix);
  if (cmdline::get("gw", &v) && !parse_ipv4(v, &a.gateway)) {
    kprintf("net: ignoring malformed gw=%.*s\n", static_cast<int>(v.len), v.data);
  }
  return a;
}

void print_ipv4(const char* what, net::Ipv4Addr a) {
  kprintf("%s%u.%u.%u.%u", what, a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

bool attach_nic(net::NetStack& stack, const virtio::MmioDeviceInfo& info, const Addressing& addr) {
  virtio::NetDriver* driver = virtio::NetDriver::create(info);
  if (driver == nullptr) return false;
  Nic& nic = g_nics[g_nic_count];
  static const char* const kNames[kMaxNics] = {"eth0", "eth1", "eth2", "eth3"};
  net::InterfaceConfig config;
  config.name = kNames[g_nic_count];
  config.mac = driver->mac();
  // Only the first NIC gets the command line's address; others stay
  // unnumbered until configured.
  config.address = g_nic_count == 0 ? addr.address : net::kIpv4Any;
  config.prefix_len = g_nic_count == 0 ? addr.prefix : 0;
  config.device = driver;
  int iface = stack.add_interface(config);
  if (iface < 0) {
    kprintf("net: cannot add %s (error %d)\n", config.name, iface);
    return false;
  }
  nic = Nic{driver, iface, &stack};
  ++g_nic_count;
  const uint8_t* m = config.mac.bytes;
  kprintf("net: %s virtio-net at 0x%lx irq %u mac %02x:%02x:%02x:%02x:%02x:%02x", config.name,
          info.phys, info.gsi, m[0], m[1], m[2], m[3], m[4], m[5]);
  print_ipv4(" addr ", config.address);
  kprintf("/%u link %s\n", config.prefix_len, driver->link_up() ? "up" : "down");
  return true;
}

// shm0: polled from every socket call that would sleep, from idle CPUs
// (idle=poll), and, with idle=halt, from a 1 ms timer so that a CPU halted
// with nothing else to wake it still notices frames.
struct Shm {
  shm::ShmNetDevice* device = nullptr;
  int iface = -1;
  net::NetStack* stack = nullptr;
  uint32_t address = 0;  // shm0's IPv4 address and prefix (host byte order)
  uint8_t prefix_len = 0;
};
Shm g_shm;

void deliver_shm(void* ctx, const uint8_t* frame, size_t len) {
  Shm* s = static_cast<Shm*>(ctx);
  s->stack->receive(s->iface, frame, len);
}

void poll_shm(void* ctx) {
  Shm* s = static_cast<Shm*>(ctx);
  while (s->device->poll_rx(kRxBudget, deliver_shm, s) == kRxBudget) {
  }
}

constexpr uint64_t kShmHaltPollNs = 1'000'000;

void attach_shm(net::NetStack& stack) {
  shm::Region region;
  if (!shm::region_from_cmdline(&region)) return;
  shm::ShmNetDevice* dev = shm::ShmNetDevice::create(region);
  if (dev == nullptr) return;
  net::InterfaceConfig config;
  config.name = "shm0";
  config.mac = dev->mac();
  config.address = net::make_ipv4(10, 0, 3, 15);
  config.prefix_len = 24;
  cidr_from_cmdline("shm_ip", &config.address, &config.prefix_len);
  config.device = dev;
  int iface;
  {
    NetLocker lock;
    iface = stack.add_interface(config);
  }
  if (iface < 0) {
    kprintf("net: cannot add shm0 (error %d)\n", iface);
    return;
  }
  g_shm = Shm{dev, iface, &stack, config.address, config.prefix_len};
  kprintf("net: shm0 shared memory at 0x%lx size %lu", region.phys, region.size);
  print_ipv4(" addr ", config.address);
  kprintf("/%u%s\n", config.prefix_len, idle_polls() ? "" : " (idle=halt: polled every 1 ms when idle)");
  net_add_poller(poll_shm, &g_shm);
  idle_add_poll_hook(net_idle_poll, nullptr);
  if (!idle_polls()) net_set_poll_interval(kShmHaltPollNs);
}

void end_of_process(Process* p) { net_shm0_take_back(p->pid); }

}  // namespace

void net_init() {
  net::NetStack& stack = net_stack_init();
  virtio::MmioDeviceInfo devices[kMaxNics];
  size_t n = virtio::discover_mmio(devices, kMaxNics);
  Addressing addr = addressing_from_cmdline();
  for (size_t i = 0; i < n && g_nic_count < kMaxNics; ++i) {
    NetLocker lock;
    attach_nic(stack, devices[i], addr);
  }
  attach_shm(stack);
  process_set_end_hook(end_of_process);
  if (g_nic_count > 0) {
    NetLocker lock;
    int r = stack.set_default_gateway(addr.gateway);
    print_ipv4("net: default gateway ", addr.gateway);
    kprintf(r == 0 ? "\n" : " (not on any subnet: no default route)\n");
  }
  // Interrupts last: a handler may run the moment its line is unmasked.
  for (int i = 0; i < g_nic_count; ++i) {
    Nic* nic = &g_nics[i];
    net_add_poller(poll_nic, nic);
    Status s = irq_route_gsi(nic->driver->gsi(), Trigger::kLevel, Polarity::kActiveHigh,
                             on_nic_interrupt, nic);
    if (!s.is_ok()) kprintf("net: eth%d: %s\n", i, s.message());
  }
}

int64_t net_shm0_hand_over(uint32_t pid, AddressSpace* as, uabi::ShmLease* lease) {
  shm::ShmNetDevice* dev = g_shm.device;
  if (dev == nullptr) return -err::kNoDev;
  {
    NetLocker lock;
    if (int64_t r = dev->hand_over(pid); r < 0) return r;
  }
  // Nothing of the kernel's polls shm0 meanwhile: with idle=halt its 1 ms
  // poll timer would interrupt the process's CPU (issue 18, "quiet while
  // polling").
  if (!idle_polls()) net_set_poll_interval(0);
  int64_t addr = aspace::map_device(as, dev->region_phys(), dev->region_size(), uabi::kProtRead | uabi::kProtWrite);
  if (addr < 0) {
    net_shm0_take_back(pid);
    return addr;
  }
  *lease = uabi::ShmLease{};
  lease->addr = static_cast<uint64_t>(addr);
  lease->size = dev->region_size();
  lease->tsc_hz = tsc_hz();
  for (int i = 0; i < 6; ++i) lease->mac[i] = dev->mac().bytes[i];
  lease->address = g_shm.address;
  lease->prefix_len = g_shm.prefix_len;
  // The host's address on shm0's network: libslirp's at .2, as the VMM sets
  // up the shared-memory device's network (hostnet/slirp_backend.h,
  // kShmemUserNetwork).
  uint32_t mask = g_shm.prefix_len == 0 ? 0 : ~0u << (32 - g_shm.prefix_len);
  lease->host = (g_shm.address & mask) | 2;
  return 0;
}

void net_shm0_take_back(uint32_t pid) {
  shm::ShmNetDevice* dev = g_shm.device;
  // Every process's end comes here: most hold nothing and take no lock.
  if (dev == nullptr || !dev->held_by(pid)) return;
  bool was_held;
  {
    NetLocker lock;
    was_held = dev->take_back(pid);
  }
  if (was_held && !idle_polls()) net_set_poll_interval(kShmHaltPollNs);
}
