# shardcrawl - one non-recursive Makefile.
#
#   make              build ./shardcrawl (and the test programs' objects)
#   make run          install what is missing, build, crawl the demo site
#   make test         install what is missing, build, run every test
#   make asan         the same programs with ASan + UBSan, in build-asan/
#   make test-asan    the whole suite against the sanitizer build
#   make bench        the throughput benchmark against nginx, wget2 and wrk
#   make install      copy shardcrawl to $(PREFIX)/bin
#
# WERROR= turns warnings back into warnings; OPT= replaces the optimizer flags.

PKGS    := libcurl libxml-2.0 zlib liblz4 libcrypto libpsl libdeflate libisal
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
TOOL_BIN    := $(BUILD)/testsrv

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

$(BUILD)/test_%: $(BUILD)/tests/test_%.o $(SHARD_OBJ) $(COMMON_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(filter-out $(BUILD)/shard/main.o,$(SHARD_OBJ)) $(COMMON_OBJ) $(ALL_LDLIBS)

$(BUILD)/testsrv: $(BUILD)/tests/testsrv.o
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

programs: check-deps $(BUILD)/shardcrawl $(TEST_BIN) $(TOOL_BIN)

deps:
	bash tests/deps.sh

run: deps
	$(MAKE) all
	$(MAKE) programs
	bash tests/demo.sh $(BUILD)

test: deps
	$(MAKE) all programs
	bash tests/run.sh $(BUILD)

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

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 shardcrawl $(DESTDIR)$(PREFIX)/bin/shardcrawl

clean:
	rm -rf build build-asan shardcrawl

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
