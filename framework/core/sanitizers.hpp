// LSKD_ADDRESS_SANITIZER is defined where this file is compiled with AddressSanitizer, by GCC or by clang: GCC
// defines __SANITIZE_ADDRESS__, Debian's clang 14 only answers __has_feature(address_sanitizer).
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define LSKD_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LSKD_ADDRESS_SANITIZER 1
#endif
#endif
