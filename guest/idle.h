// What a CPU with nothing to do runs: "hlt" with interrupts on (idle=halt,
// the default: a VM exit only when an interrupt arrives) or a pause loop
// (idle=poll: no exits at all, for latency measurements).
#pragma once

void idle_init();  // reads idle= from the command line
[[noreturn]] void idle_loop();
