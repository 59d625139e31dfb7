/* GREET_API marks the library's public functions: exported from a shared build, plain otherwise. */
#ifndef GREET_EXPORT_H
#define GREET_EXPORT_H

#if defined(GREET_SHARED)
#if defined(_WIN32)
#if defined(GREET_BUILDING)
#define GREET_API __declspec(dllexport)
#else
#define GREET_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define GREET_API __attribute__((visibility("default")))
#else
#define GREET_API
#endif
#else
#define GREET_API
#endif

#ifdef __cplusplus
#define GREET_BEGIN_DECLS extern "C" {
#define GREET_END_DECLS   }
#else
#define GREET_BEGIN_DECLS
#define GREET_END_DECLS
#endif

#endif
