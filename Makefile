# shardcrawl - one non-recursive Makefile.
#
#   make              build ./shardcrawl (and the test programs' objects)
#   make run          install what is missing, build, crawl the demo site
#   make test         install what is missing, build, run every test, then
#                     all of them again under ASan + UBSan
#   make asan         the same programs with ASan + UBSan, in build-asan/
#   make test-asan    the whole suite against the sanitizer build
#   make bench        the throughput benchmark against nginx, wget2 and wrk,
#                     then the scale figures (tests/bench/scale.sh, hosts.sh)
#                     and the shared-crawl figures (tests/bench/redis.sh)
#   make install      copy shardcrawl to $(PREFIX)/bin
#   make fuzz         the libFuzzer targets (clang), FUZZ_SECONDS each
#
# WERROR= turns warnings back into warnings; OPT= replaces the optimizer flags.

PKGS    := libcurl libxml-2.0 zlib liblz4 libcrypto libpsl libdeflate libisal hiredis yaml-0.1
PREFIX  ?= /usr/local
BUILD   ?= build
OPT     ?= -O2 -g
WERROR  ?= -Werror
SAN     ?=

ifeq ($(SAN),1)
OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
           -fno-sanitize-recover=undefined
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -std=gnu11 -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes \
           -Wvla -Wwrite-strings -Wshadow
ALL_CFLAGS   = $(WARN) $(WERROR) $(OPT) $(CFLAGS)
ALL_CPPFLAGS = -I. $(PKG_CFLAGS) -D_GNU_SOURCE -MMD -MP $(CPPFLAGS)
ALL_LDFLAGS  = $(OPT) $(LDFLAGS)
ALL_LDLIBS   = $(PKG_LIBS) -lm $(LDLIBS)

COMMON_OBJ  := $(patsubst %.c,$(BUILD)/%.o,$(wildcard common/*.c))
SHARD_OBJ   := $(patsubst %.c,$(BUILD)/%.o,$(wildcard shard/*.c))
CRAWLER_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard crawler/*.c))
TEST_BIN    := $(patsubst tests/%.c,$(BUILD)/%,$(wildcard tests/test_*.c))
TOOL_BIN    := $(BUILD)/testsrv $(BUILD)/htmltok-dump

.PHONY: all programs check-deps deps run test check asan test-asan bench install clean
all: check-deps shardcrawl

check-deps:
	@pkg-config --exists $(PKGS) || { echo "missing libraries ($(PKGS)): run 'make deps' (Debian 12) first" >&2; exit 1; }

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/shardcrawl: $(CRAWLER_OBJ) $(SHARD_OBJ) $(COMMON_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

shardcrawl: $(BUILD)/shardcrawl
	cp $< $@

# unit tests link every module but the program's main()
$(BUILD)/test_%: $(BUILD)/tests/test_%.o $(CRAWLER_OBJ) $(SHARD_OBJ) $(COMMON_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(filter-out $(BUILD)/crawler/main.o,$(CRAWLER_OBJ)) $(SHARD_OBJ) $(COMMON_OBJ) $(ALL_LDLIBS)

$(BUILD)/testsrv: $(BUILD)/tests/testsrv.o $(BUILD)/tests/shop.o
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

$(BUILD)/htmltok-dump: $(BUILD)/tests/htmltok/dump.o $(COMMON_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

programs: check-deps $(BUILD)/shardcrawl $(TEST_BIN) $(TOOL_BIN)

deps:
	bash tests/deps.sh

run: deps
	$(MAKE) all
	$(MAKE) programs
	bash tests/demo.sh $(BUILD)

# the suite twice: as built, then under ASan + UBSan (reports from any
# process fail it); make check runs the first pass only
test: deps
	$(MAKE) all programs
	bash tests/run.sh $(BUILD)
	$(MAKE) BUILD=build-asan SAN=1 programs
	bash tests/run.sh build-asan

check: programs
	bash tests/run.sh $(BUILD)

asan:
	$(MAKE) BUILD=build-asan SAN=1 programs

test-asan: deps
	$(MAKE) BUILD=build-asan SAN=1 programs
	bash tests/run.sh build-asan

bench: deps
	$(MAKE) all programs
	bash tests/bench/run.sh $(BUILD)
	bash tests/bench/scale.sh $(BUILD)
	bash tests/bench/hosts.sh $(BUILD)
	bash tests/bench/realpages.sh $(BUILD)
	bash tests/bench/redis.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 shardcrawl $(DESTDIR)$(PREFIX)/bin/shardcrawl

clean:
	rm -rf build build-asan shardcrawl

# Fuzzing (tests/fuzz/): one libFuzzer target per parser of common/.
#   make fuzz          build the targets with clang into build-fuzz/ and run
#                      each for FUZZ_SECONDS (default 60) on its corpus:
#                      build-fuzz/corpus/<target>/ (written) plus the seeds
#                      and kept crashes in data/fuzz/<target>/ (read)
#   make fuzz-build    only build them
# make programs also builds $(BUILD)/fuzz-replay-<target>, the same targets
# with the normal compiler and tests/fuzz/replay.c for a main, which
# tests/run.sh runs over data/fuzz/<target>/: no clang needed for that.
FUZZ_TARGETS := url links frame robots retry sitemap
FUZZ_SECONDS ?= 60
FUZZ_BUILD   ?= build-fuzz
FUZZ_CC      ?= clang
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS   = $(WARN) $(WERROR) -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) $(CFLAGS)
FUZZ_COMMON_OBJ := $(patsubst %.c,$(FUZZ_BUILD)/%.o,$(wildcard common/*.c))
FUZZ_BIN     := $(patsubst %,$(FUZZ_BUILD)/fuzz-%,$(FUZZ_TARGETS))
FUZZ_REPLAY  := $(patsubst %,$(BUILD)/fuzz-replay-%,$(FUZZ_TARGETS))

.PHONY: fuzz fuzz-build clean-fuzz
.SECONDARY: $(FUZZ_COMMON_OBJ) $(patsubst %,$(FUZZ_BUILD)/tests/fuzz/fuzz_%.o,$(FUZZ_TARGETS)) \
            $(patsubst %,$(BUILD)/tests/fuzz/fuzz_%.o,$(FUZZ_TARGETS)) $(BUILD)/tests/fuzz/replay.o

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(ALL_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/fuzz-%: $(FUZZ_BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_COMMON_OBJ)
	$(FUZZ_CC) -g $(FUZZ_SAN) -fsanitize=fuzzer $(LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

$(BUILD)/fuzz-replay-%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/replay.o $(COMMON_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

programs: $(FUZZ_REPLAY)

fuzz-build:
	bash tests/deps.sh fuzz
	$(MAKE) $(FUZZ_BIN)

fuzz: fuzz-build
	bash tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean-fuzz:
	rm -rf $(FUZZ_BUILD)

clean: clean-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)
