/* mem.c: the parsers' memory (tok.h) on the host, for the parser tests
 * and the fuzz targets: plain malloc, so ASan sees every block. */
#include <stdlib.h>
#include "tok.h"

void *
mem_alloc(size_t n)
{
	return malloc(n);
}

void
mem_free(void *p)
{
	free(p);
}
