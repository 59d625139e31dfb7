/* The ABI rule for the structs a program allocates and the library reads or fills (configs,
 * callback tables, results; docs/architecture.md): each starts with `size_t size`, set by its
 * _init function to the struct's size as the program was compiled, and the library touches only
 * that many bytes. New members go at the end, so a program built against older headers keeps
 * working: the members it does not know keep the library's defaults. */
#ifndef GREET_LIB_ABI_H
#define GREET_LIB_ABI_H

#include <stddef.h>

/* Takes the program's struct given into own, which already holds the library's defaults (from
 * the _init function) and is own_size bytes: the first given->size bytes replace them and
 * own->size becomes own_size. GREET_EINVAL when given->size cannot be real (the struct was not
 * set up by its _init), GREET_EUNSUPPORTED when it is larger than this library's struct (the
 * program was built against newer headers than the library that runs it). */
int gi_abi_import(void *own, size_t own_size, const void *given);

/* Hands own (own_size bytes, filled by the library) to the program's struct out: at most
 * out->size bytes, out->size itself unchanged. Errors as for gi_abi_import. */
int gi_abi_export(void *out, const void *own, size_t own_size);

#endif
