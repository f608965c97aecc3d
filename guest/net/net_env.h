// What the stack needs from its host (the kernel, or a test): memory, time,
// randomness and a way to say "this socket's readiness changed". The stack
// is single-threaded: the glue calls it with one lock held and must not call
// back into it from these methods.
//
// The methods are virtual but not pure, so that the freestanding kernel needs
// no __cxa_pure_virtual; an implementation overrides all of them.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <new>  // placement new (freestanding)

#include "socket_abi.h"

namespace net {

inline constexpr uint64_t kNoDeadline = UINT64_MAX;

class NetEnv {
 public:
  // Memory aligned to 16 bytes, or nullptr. The stack returns every block
  // with the same size it asked for.
  virtual void* allocate(size_t bytes) { (void)bytes; return nullptr; }
  virtual void release(void* block, size_t bytes) { (void)block; (void)bytes; }
  // Monotonic time in nanoseconds (the same clock as tick()'s argument).
  virtual uint64_t now_ns() { return 0; }
  // Unpredictable 32-bit values: initial sequence numbers (RFC 6528),
  // ephemeral ports, ICMP identifiers.
  virtual uint32_t random32() { return 0; }
  // The readiness of `socket` may have changed (data arrived, space freed,
  // connection established/closed, error, new connection to accept).
  // `events` is its poll mask now (NetStack::poll); `cookie` is what the glue
  // attached with NetStack::set_cookie.
  virtual void wake(SocketId socket, void* cookie, uint32_t events) {
    (void)socket; (void)cookie; (void)events;
  }

 protected:
  ~NetEnv() = default;
};

// Objects live in memory from the NetEnv: construct in place; destroy and
// return the block.
template <typename T, typename... Args>
T* create_object(NetEnv& env, Args&&... args) {
  void* block = env.allocate(sizeof(T));
  if (block == nullptr) return nullptr;
  return new (block) T(static_cast<Args&&>(args)...);
}

template <typename T>
void destroy_object(NetEnv& env, T* object) {
  if (object == nullptr) return;
  object->~T();
  env.release(object, sizeof(T));
}

}  // namespace net
