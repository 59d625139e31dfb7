/* GP_PRINTF(fmt, first): lets gcc and clang check printf-style calls (fmt is the format's argument
 * position, first the first value's, 0 for a va_list); other compilers skip the check. One
 * spelling for the library, the platform and the program. */
#ifndef GREET_PLATFORM_GP_PRINTF_H
#define GREET_PLATFORM_GP_PRINTF_H

#if defined(__GNUC__)
#define GP_PRINTF(fmt, first) __attribute__((format(printf, fmt, first)))
#else
#define GP_PRINTF(fmt, first)
#endif

#endif
