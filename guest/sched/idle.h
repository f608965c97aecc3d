// What a CPU with nothing to run does between looks at the run queues:
// "hlt" with interrupts on (idle=halt, the default: a VM exit only when an
// interrupt arrives) or a pause loop (idle=poll: no exits at all, for the
// no-exit experiments). Either way it first runs the registered poll hooks
// (a polled device, e.g. the shared-memory NIC, registers one).
#pragma once

void idle_init();  // reads idle= from the command line
bool idle_polls();

using IdlePollHook = void (*)(void* ctx);
// Adds a hook every idle CPU calls on each pass (interrupts off; it may wake
// threads). False if the table is full.
bool idle_add_poll_hook(IdlePollHook hook, void* ctx);

// One pass, called with interrupts off; returns with them on, after an
// interrupt (halt) or at once (poll).
void idle_wait();
