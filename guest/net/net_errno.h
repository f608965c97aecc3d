// Error numbers the network stack returns, negated (-kAgain), with Linux's
// values (include/uapi/asm-generic/errno-base.h and errno.h) so that the
// kernel glue can hand them to user space unchanged.
#pragma once

namespace net::err {

enum : int {
  kPerm = 1,
  kBadF = 9,
  kAgain = 11,  // also EWOULDBLOCK
  kNoMem = 12,
  kAcces = 13,
  kFault = 14,
  kInval = 22,
  kMFile = 24,
  kPipe = 32,
  kDom = 33,
  kNotSock = 88,
  kDestAddrReq = 89,
  kMsgSize = 90,
  kProtoType = 91,
  kNoProtoOpt = 92,
  kProtoNoSupport = 93,
  kSocktNoSupport = 94,
  kOpNotSupp = 95,
  kAfNoSupport = 97,
  kAddrInUse = 98,
  kAddrNotAvail = 99,
  kNetUnreach = 101,
  kConnAborted = 103,
  kConnReset = 104,
  kNoBufs = 105,
  kIsConn = 106,
  kNotConn = 107,
  kTimedOut = 110,
  kConnRefused = 111,
  kHostUnreach = 113,
  kAlready = 114,
  kInProgress = 115,
};

}  // namespace net::err
