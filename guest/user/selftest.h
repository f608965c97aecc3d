// The self-test program: selftest.cpp runs each check in its own child
// process ("selftest --run NAME") and prints one line per check. A check
// returns true (ok) or reports why not with fail() and returns false.
#pragma once

#include "ulib.h"

namespace selftest {

// Prints "selftest NAME: FAIL <why>" for the running check; returns false.
bool fail(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// Forks; the child runs fn and exits with its result (0 = ok). Returns the
// child's wait status, or -1 if fork failed.
int in_child(int (*fn)());
// True if status says "killed by SIGSEGV".
bool killed_by_segv(int status);

// The checks (checks_*.cpp).
bool efault_write();
bool efault_read();
bool user_reads_kernel();
bool null_deref();
bool demand_paging();
bool cow();
bool munmap_check();
bool nested_fault();
bool smp_threads();
bool preempt();
bool sleep();
bool tickless();
bool thread_join();
bool exit_group();
bool syscall_regs();
bool enosys();
bool exec();

}  // namespace selftest
