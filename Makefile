# labelaudit - plain GNU make. pkg-config finds utf8proc, cJSON, hunspell,
# zlib and libzstd.
#
#   make            build ./labelaudit
#   make check      unit tests, golden CLI cases, fuzz seed replay
#   make check SANITIZE=1   the same under ASan+UBSan
#   make demo       audit the bundled sample corpus
#   make bench      throughput/memory benchmark on a generated corpus
#   make fuzz       libFuzzer harnesses (clang), FUZZ_SECONDS each
#   make install PREFIX=/usr/local DESTDIR=

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man/man1
DATADIR ?= $(PREFIX)/share/labelaudit
DESTDIR ?=

CC      ?= cc
PKGS     = libutf8proc libcjson hunspell zlib libzstd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
          -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral \
          -Wno-overlength-strings
OPT    ?= -O2 -g
CFLAGS ?= $(OPT)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude -Ibuild $(PKG_CFLAGS) $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lpthread -lm

ifeq ($(WERROR),1)
ALL_CFLAGS += -Werror
endif

BUILD = build
ifeq ($(SANITIZE),1)
BUILD = build/san
ALL_CFLAGS += -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer -fno-sanitize-recover=undefined
SAN_LDFLAGS = -fsanitize=address,undefined,float-cast-overflow
endif

LIB_SRC  = $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ  = $(LIB_SRC:src/%.c=$(BUILD)/%.o) $(BUILD)/lexicons_data.o
LIB      = $(BUILD)/liblabelaudit.a
BIN      = labelaudit
BIN_BUILT = $(BUILD)/labelaudit
LEXICONS = $(sort $(wildcard lexicons/*.tsv))
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%)
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REPLAY = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%-replay)

.PHONY: all check check-only check-valgrind demo bench eval fuzz install uninstall clean deps

all: $(BIN)

$(BIN): $(BIN_BUILT)
	cp $(BIN_BUILT) $(BIN)

$(BUILD)/labelaudit: $(BUILD)/main.o $(LIB)
	$(CC) $(SAN_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(LIB): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: src/%.c | $(BUILD)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The shipped lexicons are compiled into the binary as the default set.
$(BUILD)/embed: src/tools/embed.c | $(BUILD)
	$(CC) -O2 -o $@ $<

$(BUILD)/lexicons_data.c: $(BUILD)/embed $(LEXICONS)
	$(BUILD)/embed $(LEXICONS) > $@.tmp && mv $@.tmp $@

$(BUILD)/lexicons_data.o: $(BUILD)/lexicons_data.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD):
	mkdir -p $(BUILD) $(BUILD)/unit $(BUILD)/fuzz

$(BUILD)/unit/%: tests/unit/%.c tests/unit/unit.h $(LIB) | $(BUILD)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(SAN_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS_ALL)

$(BUILD)/fuzz/%-replay: tests/fuzz/%.c tests/fuzz/replay_main.c $(LIB) | $(BUILD)
	$(CC) $(ALL_CFLAGS) $(SAN_LDFLAGS) -o $@ $< tests/fuzz/replay_main.c $(LIB) $(LDLIBS_ALL)

deps:
	sh src/tools/install-deps.sh $(DEPS_PROFILE)

check: DEPS_PROFILE = test
check: deps
	$(MAKE) --no-print-directory check-only

check-only: $(BIN_BUILT) $(UNIT_BIN) $(FUZZ_REPLAY) $(BUILD)/gencorpus
	LA_BIN=$(CURDIR)/$(BIN_BUILT) LA_BUILD=$(CURDIR)/$(BUILD) sh tests/run.sh

# The golden cases again, every run of the binary under valgrind; any
# memory error or leak changes the exit status and fails the case.
check-valgrind: $(BIN_BUILT) $(BUILD)/gencorpus
	LA_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite" \
	  LA_BIN=$(CURDIR)/$(BIN_BUILT) LA_BUILD=$(CURDIR)/$(BUILD) sh tests/run.sh

$(BUILD)/gencorpus: src/tools/gencorpus.c src/tools/splitmix.h | $(BUILD)
	$(CC) -O2 -o $@ $<

demo: deps
	$(MAKE) --no-print-directory $(BIN)
	./$(BIN) --sort --summary $(BUILD)/demo-summary.json corpora/sample.jsonl > $(BUILD)/demo-queue.jsonl; \
	  st=$$?; head -n 5 $(BUILD)/demo-queue.jsonl; \
	  echo "queue: $(BUILD)/demo-queue.jsonl  summary: $(BUILD)/demo-summary.json"; \
	  test $$st -le 1

bench: $(BIN_BUILT)
	sh src/tools/install-deps.sh bench
	sh src/tools/bench.sh $(BUILD)

eval: $(BIN_BUILT)
	sh src/tools/eval.sh $(BUILD)

FUZZ_SECONDS ?= 60
fuzz:
	sh src/tools/fuzz.sh $(FUZZ_SECONDS)

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DATADIR)/lexicons
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/labelaudit
	install -m 755 scripts/labelaudit-dask $(DESTDIR)$(BINDIR)/labelaudit-dask
	install -m 644 src/labelaudit.1 $(DESTDIR)$(MANDIR)/labelaudit.1
	install -m 644 $(LEXICONS) $(DESTDIR)$(DATADIR)/lexicons/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/labelaudit $(DESTDIR)$(BINDIR)/labelaudit-dask \
	      $(DESTDIR)$(MANDIR)/labelaudit.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build $(BIN) tests/tmp

-include $(wildcard $(BUILD)/*.d)
