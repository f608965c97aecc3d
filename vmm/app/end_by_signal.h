// How vmm ends after a stop signal (hv/core/exit_status.h): by that signal,
// with its default action, once everything is torn down and reported.
#pragma once

namespace vmm {

// Restores the signal's default action, unblocks it and raises it; returns
// only if the process survived that (then the caller exits with 128 + n).
void end_by_signal(int signal);

}  // namespace vmm
