// Processes: an address space, its threads, a parent to report the exit
// status to. The process id is the id of its first thread (as in Linux).
// A process ends when its last thread is gone: it becomes a zombie until
// its parent collects the status with wait4; an orphan is reaped at once;
// the end of the init process ends the VM (init/init.cpp).
#pragma once

#include <stdint.h>

#include "sched/waitqueue.h"

struct AddressSpace;
struct FileTable;
struct Thread;

enum class ProcessState : uint8_t { kFree, kAlive, kZombie };

inline constexpr uint32_t kMaxProcesses = 64;
inline constexpr uint32_t kProcessNameLen = 32;

struct Process {
  ProcessState state{};
  uint32_t pid{};
  Process* parent{};  // nullptr: nobody waits (init, orphans)
  AddressSpace* as{};
  FileTable* files{};  // open files; released when the last thread ends
  char name[kProcessNameLen]{};
  uint32_t live_threads{};
  uint32_t unfinished_threads{};  // not yet past thread_exit (atomic)
  bool exiting{};     // killed or exit_group: wait_status is final
  int wait_status{};  // uabi wait status once exiting / a zombie
  WaitQueue child_queue{};  // woken when one of its children ends
};

// A new process (no threads yet) owning the reference to as, with a copy
// of files_from's open files (fork) or just the console (nullptr); nullptr
// if the table is full or memory is short.
Process* process_create(Process* parent, const char* name, AddressSpace* as,
                        FileTable* files_from = nullptr);
// Undoes process_create for a process that never got a thread.
void process_discard(Process* p);
Process* current_process();

// Ends every thread of p (they leave at their next kernel exit or wake-up);
// the first call decides the status.
void process_kill(Process* p, int wait_status);
// Thread bookkeeping, called by user_thread.cpp.
void process_thread_added(Process* p);
void process_thread_gone(Process* p, int64_t exit_value);
// A thread of p is ending (thread_exit, in its own context): the last one
// closes the process's files.
void process_thread_exiting(Process* p);

// wait4: waits for a child (pid > 0: that one; -1: any) to end, reaps it;
// returns its pid and stores its status, 0 (WNOHANG, none ended yet), or
// -errno.
int64_t process_wait(Process* self, int64_t pid, int* status, bool nohang);

// Called for every process when its last thread is ending, in that thread's
// context (no scheduler lock held), after its files are closed and before
// its parent can hear of the end: for what a process holds outside its
// address space and files (shm0's rings, netglue/netif.h). One hook.
void process_set_end_hook(void (*on_end)(Process* p));
// Called (once) when the process marked as init ends.
void process_set_init(Process* p, void (*on_exit)(Process* p, int wait_status));
