// <linux/kvm.h> with the C layout of its flexible-array structs, in C++.
//
// Why: linux-libc-dev before 6.7 (Debian 12 ships 6.1) defines
// __DECLARE_FLEX_ARRAY as an anonymous struct holding an empty struct and the
// array. In C an empty struct has size 0; in C++ it has size 1. So in C++
// sizeof(kvm_cpuid2) is 12, not 8, its entries start at offset 12, not 8, and
// every ioctl number computed from sizeof (KVM_GET_SUPPORTED_CPUID,
// KVM_SET_CPUID2, KVM_GET_MSRS, KVM_SET_MSRS, ...) is one KVM does not know:
// the ioctl fails with EINVAL. Upstream fixed it by using a zero-length array
// in C++ (kernel 6.7, uapi/linux/stddef.h); this does the same for older
// headers. Include this header, never <linux/kvm.h> directly.
#pragma once

#include <linux/stddef.h>

#undef __DECLARE_FLEX_ARRAY
#define __DECLARE_FLEX_ARRAY(TYPE, NAME) TYPE NAME[0]

#include <linux/kvm.h>

// Fails if <linux/kvm.h> was included before this header in the same
// translation unit (the broken layout would already be defined).
static_assert(sizeof(kvm_cpuid2) == 8, "include hv/kvm/kvm_uapi.h before any <linux/kvm.h>");
static_assert(sizeof(kvm_msrs) == 8, "include hv/kvm/kvm_uapi.h before any <linux/kvm.h>");
static_assert(sizeof(kvm_stats_desc) == 16, "include hv/kvm/kvm_uapi.h before any <linux/kvm.h>");
