/*
 * libFuzzer target: the topology loader and validator on arbitrary text.
 * Every input must either load into a model or fail with at least one error;
 * nothing may crash, leak or read out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "topo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_errors errs;
	struct topology *t = NULL;
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (topo_load_string(text, "fuzz.json", &t, &errs) == 0) {
		if (t == NULL || errs.count != 0)
			abort();
		topo_free(t);
	} else if (t != NULL || errs.count == 0) {
		abort();
	}
	free(text);
	return 0;
}
