/*
 * Allocation that cannot fail: the daemons' config parsers and checkers
 * allocate small, bounded amounts at start or reload, where running out of
 * memory leaves nothing sensible to do but stop.
 */
#ifndef ANY_XALLOC_H
#define ANY_XALLOC_H

#include <stddef.h>

/* calloc that never returns NULL (n == 0 still gives a unique pointer). */
void *xcalloc(size_t n, size_t size);
/* strdup that never returns NULL. */
char *xstrdup(const char *);

#endif
