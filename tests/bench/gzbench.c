/*
 * gzbench.c - gzip one member per record, as the shard does for WARC
 * records: zlib (deflateReset + deflate), libdeflate and ISA-L's igzip, at
 * several levels, on the records (request and response) of a real crawl.
 *
 *   gzbench FILE.warc.gz     (records are taken from the file)
 *
 * Prints MB/s of input and the compression ratio for each.  Used to choose
 * the WARC compressor (README, "Performance").
 */
#include <isa-l/igzip_lib.h>
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#define MAXREC 6000     /* enough for stable figures, quick to run */

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static unsigned char out[1 << 22];
	unsigned char *raw, *recs[MAXREC];
	size_t lens[MAXREC], n = 0, total = 0, i, size;
	FILE *fp;
	z_stream z;
	int levels[] = { 1, 3, 6, 9 }, k, rounds;

	if (argc != 2 || !(fp = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: gzbench FILE.warc.gz\n");
		return 2;
	}
	fseek(fp, 0, SEEK_END);
	size = (size_t)ftell(fp);
	rewind(fp);
	raw = malloc(size);
	if (fread(raw, 1, size, fp) != size)
		return 1;
	fclose(fp);
	/* inflate member by member */
	memset(&z, 0, sizeof(z));
	z.next_in = raw;
	z.avail_in = (uInt)size;
	while (z.avail_in && n < MAXREC) {
		inflateInit2(&z, 16 + 15);
		z.next_out = out;
		z.avail_out = sizeof(out);
		if (inflate(&z, Z_FINISH) != Z_STREAM_END)
			break;
		lens[n] = sizeof(out) - z.avail_out;
		recs[n] = malloc(lens[n]);
		memcpy(recs[n], out, lens[n]);
		total += lens[n++];
		inflateEnd(&z);
	}
	printf("%zu records, %.1f MB, %.0f bytes mean\n", n, (double)total / 1e6,
	       (double)total / (double)n);
	rounds = (int)(200e6 / (double)total) + 1;
	for (k = 0; k < 4; k++) {
		double t0, t1;
		size_t zout = 0;
		int r;

		memset(&z, 0, sizeof(z));
		deflateInit2(&z, levels[k], Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY);
		t0 = now();
		for (r = 0; r < rounds; r++)
			for (i = 0; i < n; i++) {
				deflateReset(&z);
				z.next_in = recs[i];
				z.avail_in = (uInt)lens[i];
				z.next_out = out;
				z.avail_out = sizeof(out);
				deflate(&z, Z_FINISH);
				zout += sizeof(out) - z.avail_out;
			}
		t1 = now();
		deflateEnd(&z);
		printf("zlib %-2d        %7.1f MB/s  ratio %.3f  %.1f us/record\n", levels[k],
		       (double)total * rounds / (t1 - t0) / 1e6,
		       (double)zout / ((double)total * rounds), (t1 - t0) / (double)(n * (size_t)rounds) * 1e6);
	}
	for (k = 0; k < 4; k++) {
		struct libdeflate_compressor *c = libdeflate_alloc_compressor(levels[k]);
		double t0, t1;
		size_t zout = 0;
		int r;

		t0 = now();
		for (r = 0; r < rounds; r++)
			for (i = 0; i < n; i++)
				zout += libdeflate_gzip_compress(c, recs[i], lens[i], out, sizeof(out));
		t1 = now();
		libdeflate_free_compressor(c);
		printf("libdeflate %-2d  %7.1f MB/s  ratio %.3f  %.1f us/record\n", levels[k],
		       (double)total * rounds / (t1 - t0) / 1e6,
		       (double)zout / ((double)total * rounds), (t1 - t0) / (double)(n * (size_t)rounds) * 1e6);
	}
	{
		static const int isal_levels[] = { 0, 1, 2, 3 };
		static const uint32_t isal_bufs[] = { 0, ISAL_DEF_LVL1_DEFAULT,
			ISAL_DEF_LVL2_DEFAULT, ISAL_DEF_LVL3_DEFAULT };
		for (k = 0; k < 4; k++) {
			struct isal_zstream zs;
			uint8_t *lbuf = isal_bufs[k] ? malloc(isal_bufs[k]) : NULL;
			double t0, t1;
			size_t zout = 0;
			int r;

			t0 = now();
			for (r = 0; r < rounds; r++)
				for (i = 0; i < n; i++) {
					isal_deflate_stateless_init(&zs);
					zs.level = (uint32_t)isal_levels[k];
					zs.level_buf = lbuf;
					zs.level_buf_size = isal_bufs[k];
					zs.gzip_flag = IGZIP_GZIP;
					zs.end_of_stream = 1;
					zs.flush = NO_FLUSH;
					zs.next_in = recs[i];
					zs.avail_in = (uint32_t)lens[i];
					zs.next_out = out;
					zs.avail_out = sizeof(out);
					if (isal_deflate_stateless(&zs) != COMP_OK)
						return 1;
					zout += zs.total_out;
				}
			t1 = now();
			free(lbuf);
			printf("isa-l igzip %d  %7.1f MB/s  ratio %.3f  %.1f us/record\n", isal_levels[k],
			       (double)total * rounds / (t1 - t0) / 1e6,
			       (double)zout / ((double)total * rounds), (t1 - t0) / (double)(n * (size_t)rounds) * 1e6);
		}
	}
	return 0;
}
