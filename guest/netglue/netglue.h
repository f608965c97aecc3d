// The kernel's side of the network stack (guest/net): one NetStack for the
// whole kernel behind one lock, its memory, clock and timer, the drivers'
// receive paths, and the sleeping of socket calls.
//
//   socket call --NetLocker--> NetStack --transmit--> driver (virtio-net)
//   driver IRQ / poll ------------^   |--wake(cookie = File*)--> File::wait
//   ktimer (next_deadline) --tick-----'
//
// Lock: a SpinLock (interrupts off while held) because the receive path runs
// in the device's interrupt handler. Nothing sleeps or touches user memory
// with it held: socket calls copy user data through kernel buffers first.
#pragma once

#include <stdint.h>

#include "net/net_stack.h"
#include "sched/waitqueue.h"

struct File;

// Brings the stack up with loopback only and returns it; netif.h's
// net_init (above this file) then attaches the devices. Also makes the
// last close of a socket File close its socket (file_set_socket_closer).
net::NetStack& net_stack_init();

// Holds the stack's lock for a scope; on release re-arms the stack's timer
// from next_deadline() (it may have moved earlier during the call).
class NetLocker {
 public:
  NetLocker();
  ~NetLocker();
  NetLocker(const NetLocker&) = delete;
  NetLocker& operator=(const NetLocker&) = delete;
  net::NetStack& stack();
};

// A device the stack reaches through polling: poll(ctx) runs with the lock
// held and feeds whatever arrived to the stack. Every registered poller runs
// before a socket call sleeps and from the idle loop, so a polled device
// (and a virtio queue whose interrupt has not come yet) is served without
// waiting for an interrupt.
using NetPoller = void (*)(void* ctx);
bool net_add_poller(NetPoller poll, void* ctx);

// Sleeps until the socket of f reports one of events (or an error or
// hang-up), the TSC passes deadline (0: none), or the thread is killed.
WaitResult net_wait(File* f, uint32_t events, uint64_t deadline_tsc);
// Runs every poller (takes the lock): for poll/select before sleeping.
void net_poll_devices();
// From the idle loop: runs the pollers unless another CPU holds the lock
// (it is busy with the stack then, and idle CPUs must not queue up on it).
void net_idle_poll(void* ctx);
// A polled device needs looking at even when no CPU idles in a poll loop
// (idle=halt): the stack's timer then also fires every interval_ns to run
// the pollers. 0 turns that off.
void net_set_poll_interval(uint64_t interval_ns);

// The last reference to a socket File is gone: closes its socket.
void net_socket_closed(File* f);

// A TSC deadline timeout_ns from now, 0 for no timeout.
uint64_t net_deadline_after(uint64_t timeout_ns);
