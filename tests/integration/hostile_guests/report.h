// The hostile guest's report: one line per check on the console,
//   hostile: CHECK: key=value key=value ...
// and a verdict: the checks a guest can judge by itself (its other devices
// and the recovered device still carry a round trip) either all held or
// not. Whether the VMM put the broken device in an error state is reported
// (needs_reset=, shm0_state=) but judged by the host test, since that is
// this VMM's behaviour, not the guest's.
#pragma once

#include <stdint.h>

namespace hg {

class Line {
 public:
  explicit Line(const char* check, const char* variant = nullptr);
  Line& flag(const char* key, bool value);  // key=0|1
  Line& num(const char* key, uint32_t value);
  Line& hex(const char* key, uint64_t value);
  Line& text(const char* key, const char* value);
  void end();  // the newline

 private:
  void key(const char* k);
};

// Records a failed must-check (the first reason is kept for the verdict).
void must(bool held, const char* what);
bool all_held();
const char* first_failure();

}  // namespace hg
