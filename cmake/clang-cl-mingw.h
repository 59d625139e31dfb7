/* Forced include (/FI) of the clang-cl gate (cmake/clang-cl.cmake): lets clang-cl, which is not
 * GNU C, read mingw-w64's headers in MSVC mode. Without __GNUC__ those headers define
 * __attribute__ away, which breaks clang's own intrinsic headers, and put __declspec attributes
 * after declarators, where only GNU attributes may go. greet's sources are untouched by this. */
#include <_mingw.h>
#undef __attribute__
#undef __MINGW_ATTRIB_NORETURN
#undef __MINGW_ATTRIB_MALLOC
#undef __MINGW_ATTRIB_DEPRECATED
#define __MINGW_ATTRIB_NORETURN   __attribute__((__noreturn__))
#define __MINGW_ATTRIB_MALLOC     __attribute__((__malloc__))
#define __MINGW_ATTRIB_DEPRECATED __attribute__((__deprecated__))
