// Error numbers, Linux's values (include/uapi/asm-generic/errno-base.h and
// errno.h). System calls return -E... in rax.
#pragma once

namespace err {

enum : long {
  kPerm = 1,
  kNoEnt = 2,
  kSrch = 3,
  kIntr = 4,
  kIo = 5,
  k2Big = 7,
  kNoExec = 8,
  kBadF = 9,
  kChild = 10,
  kAgain = 11,
  kNoMem = 12,
  kFault = 14,
  kBusy = 16,
  kNoDev = 19,
  kMFile = 24,
  kInval = 22,
  kDeadlk = 35,
  kNameTooLong = 36,
  kNoSys = 38,
};

}  // namespace err
