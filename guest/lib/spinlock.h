// A test-and-set spin lock that also keeps interrupts off while held (an
// interrupt handler taking the same lock on the same CPU would deadlock),
// and an RAII holder for it.
#pragma once

#include <stdint.h>

#include "arch/x86/include/x86.h"

class SpinLock {
 public:
  void lock() {
    lock_serving([] {});
  }
  // lock(), calling serve() on every turn of the wait: for a lock whose
  // holder may be waiting for this very CPU to do something (a TLB
  // shootdown), which it cannot do with interrupts off unless it does it here.
  template <typename Serve>
  void lock_serving(Serve serve) {
    bool irq = x86::save_and_cli();
    while (__atomic_exchange_n(&locked_, true, __ATOMIC_ACQUIRE)) {
      while (__atomic_load_n(&locked_, __ATOMIC_RELAXED)) {
        serve();
        x86::pause();
      }
    }
    irq_was_enabled_ = irq;
  }
  // lock() if it is free now; false (interrupts as they were) if not.
  bool try_lock() {
    bool irq = x86::save_and_cli();
    if (__atomic_exchange_n(&locked_, true, __ATOMIC_ACQUIRE)) {
      x86::restore_interrupts(irq);
      return false;
    }
    irq_was_enabled_ = irq;
    return true;
  }
  void unlock() {
    bool irq = irq_was_enabled_;
    __atomic_store_n(&locked_, false, __ATOMIC_RELEASE);
    x86::restore_interrupts(irq);
  }

 private:
  bool locked_ = false;
  bool irq_was_enabled_ = false;
};

class SpinLocker {
 public:
  explicit SpinLocker(SpinLock& l) : lock_(l) { lock_.lock(); }
  ~SpinLocker() { lock_.unlock(); }
  SpinLocker(const SpinLocker&) = delete;
  SpinLocker& operator=(const SpinLocker&) = delete;

 private:
  SpinLock& lock_;
};

// A spin lock that leaves the interrupt flag alone: for the scheduler's
// locks, which are always taken with interrupts already off and may be
// released by another thread than the one that took them (across a context
// switch), so they cannot remember an interrupt state of their own.
class RawSpinLock {
 public:
  void lock() {
    while (__atomic_exchange_n(&locked_, true, __ATOMIC_ACQUIRE)) {
      while (__atomic_load_n(&locked_, __ATOMIC_RELAXED)) x86::pause();
    }
  }
  void unlock() { __atomic_store_n(&locked_, false, __ATOMIC_RELEASE); }
  bool is_locked() const { return __atomic_load_n(&locked_, __ATOMIC_RELAXED); }

 private:
  bool locked_ = false;
};

class RawSpinLocker {
 public:
  explicit RawSpinLocker(RawSpinLock& l) : lock_(l) { lock_.lock(); }
  ~RawSpinLocker() { lock_.unlock(); }
  RawSpinLocker(const RawSpinLocker&) = delete;
  RawSpinLocker& operator=(const RawSpinLocker&) = delete;

 private:
  RawSpinLock& lock_;
};

// Interrupts off for a scope, restored as they were.
class InterruptsOff {
 public:
  InterruptsOff() : was_enabled_(x86::save_and_cli()) {}
  ~InterruptsOff() { x86::restore_interrupts(was_enabled_); }
  InterruptsOff(const InterruptsOff&) = delete;
  InterruptsOff& operator=(const InterruptsOff&) = delete;

 private:
  bool was_enabled_;
};
