// Integration tests skip only where KVM cannot be used: /dev/kvm missing,
// not openable, or KVM_GET_API_VERSION failing (checked through the KVM
// layer, the only code that calls ioctl).
#pragma once

#include <gtest/gtest.h>

#include "tests/needs_kvm.h"
#include "hv/kvm/kvm.h"

#define SKIP_WITHOUT_KVM()                                                   \
  do {                                                                       \
    auto kvm_for_skip = ::vmm::open_kvm();                                   \
    if (!kvm_for_skip.ok()) GTEST_SKIP() << VMM_NEEDS_KVM_TAG << kvm_for_skip.error().message; \
  } while (0)
