/*
 * fuzz.h - what every fuzz target in tests/fuzz/ defines.
 *
 * Each fuzz_<target>.c is one libFuzzer target for one parser of common/.
 * It takes any bytes, must never crash, leak or hit undefined behaviour,
 * and calls abort() (through FUZZ_CHECK) when an invariant the module's
 * header promises does not hold, so that the fuzzer reports the input.
 *
 * The same files are built two ways (Makefile):
 *   make fuzz          clang -fsanitize=fuzzer,address,undefined, one
 *                      build-fuzz/fuzz-<target> each, run on its corpus;
 *   make programs      the project's compiler and flags, linked with
 *                      replay.c into $(BUILD)/fuzz-replay-<target>, which
 *                      tests/run.sh runs over data/fuzz/<target>/ so every
 *                      seed and every crash once found is replayed by
 *                      make test (and under ASan by make test-asan).
 */
#ifndef SC_FUZZ_H
#define SC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: say which, then abort so the fuzzer keeps the input. */
#define FUZZ_CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
	abort(); } } while (0)

#endif
