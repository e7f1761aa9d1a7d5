# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Fuzz tier. Every parser has a libFuzzer target tests/fuzz/fuzz_NAME.c and a
# seed corpus tests/fuzz/corpus/NAME/. Each target is built twice:
#  - with clang + libFuzzer, run by `make check-fuzz` for FUZZ_SECONDS;
#  - with the normal compiler + replay.c as a Check unit test that replays
#    the corpus, so `make check-unit` (and its ASan build) covers it too.
# New inputs found by a run land in $(BUILD)/fuzz/new/NAME, crashes in
# $(BUILD)/fuzz/artifacts; docs/fuzzing.md says how to promote an input into
# the corpus and how to add a target.

CLANG        ?= clang
FUZZ_SECONDS ?= 20
FUZZ_CFLAGS  := -std=c11 -g -O1 -Wall -Wextra -Werror \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)
# clang compiles each fuzzer in one go, without dependency files: rebuild on
# any header change.
FUZZ_HEADERS := $(wildcard include/*/*.h include/uapi/linux/*.h lib/*.h \
		emulator/*.h emulator/render/*.h)

# name, extra sources (parsed code under test), extra link flags
FUZZ_TARGETS := frame_header
FUZZ_SRCS_frame_header :=
FUZZ_LIBS_frame_header :=

FUZZ_TARGETS += scenario
FUZZ_SRCS_scenario := emulator/scenario.c
FUZZ_LIBS_scenario := -lm

FUZZ_TARGETS += firmware
FUZZ_SRCS_firmware := emulator/firmware.c
FUZZ_LIBS_firmware := -lm

FUZZ_TARGETS += control
FUZZ_SRCS_control := $(addprefix emulator/,control.c emu.c scenario.c \
	firmware.c events.c log.c)
FUZZ_LIBS_control := -lm -pthread
# The emulator logs every accepted command to stderr: close it (libFuzzer
# keeps its own copy for crash reports).
FUZZ_FLAGS_control := -close_fd_mask=2

FUZZ_TARGETS += image
FUZZ_SRCS_image := lib/image.c
FUZZ_LIBS_image := $(shell pkg-config --libs libturbojpeg)

FUZZ_TARGETS += template
FUZZ_SRCS_template := lib/template.c
FUZZ_LIBS_template := $(shell pkg-config --libs zlib) -lm

FUZZ_TARGETS += extract
FUZZ_SRCS_extract := $(LIB_SRCS)
FUZZ_LIBS_extract := $(shell pkg-config --libs $(LIB_PKGS)) -lm -pthread

define fuzz_rules
$(BUILD)/fuzz/fuzz_$(1): tests/fuzz/fuzz_$(1).c $(FUZZ_SRCS_$(1)) $(FUZZ_HEADERS)
	@mkdir -p $$(@D)
	$(CLANG) $(CPPFLAGS) $(FUZZ_CFLAGS) -o $$@ $$(filter %.c,$$^) \
		$(FUZZ_LIBS_$(1))

$(BUILD)/obj/tests/fuzz/replay_$(1).o: tests/fuzz/replay.c
	@mkdir -p $$(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -DFUZZ_CORPUS='"tests/fuzz/corpus/$(1)"' -c -o $$@ $$<

$(BUILD)/tests/test_fuzz_$(1): $(BUILD)/obj/tests/fuzz/fuzz_$(1).o \
		$(BUILD)/obj/tests/fuzz/replay_$(1).o \
		$(patsubst %.c,$(BUILD)/obj/%.o,$(FUZZ_SRCS_$(1)))
	@mkdir -p $$(@D)
	$(CC) $(LDFLAGS) -o $$@ $$^ $(FUZZ_LIBS_$(1)) $(CHECK_LIBS)

UNIT_TESTS += $(BUILD)/tests/test_fuzz_$(1)
FUZZERS    += $(BUILD)/fuzz/fuzz_$(1)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rules,$(t))))

# One target's run; a crash leaves its input in $(BUILD)/fuzz/artifacts.
define fuzz_run
	mkdir -p $(BUILD)/fuzz/new/$(1) $(BUILD)/fuzz/artifacts; \
	rm -f $(BUILD)/fuzz/artifacts/$(1)-*; \
	echo "== fuzz $(1) for $(FUZZ_SECONDS)s"; \
	$(BUILD)/fuzz/fuzz_$(1) -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 $(FUZZ_FLAGS_$(1)) \
		-artifact_prefix=$(BUILD)/fuzz/artifacts/$(1)- \
		$(BUILD)/fuzz/new/$(1) tests/fuzz/corpus/$(1) 2>&1 | \
		grep -aE '^(stat::number_of_executed_units|==|INFO: .*corpus|SUMMARY|#[0-9]+.*DONE)' || true; \
	if ls $(BUILD)/fuzz/artifacts/$(1)-* >/dev/null 2>&1; then \
		echo "fuzz $(1): crash, see $(BUILD)/fuzz/artifacts"; exit 1; fi;
endef

check-fuzz: $(FUZZERS)
	@set -e; $(foreach t,$(FUZZ_TARGETS),$(call fuzz_run,$(t))) \
	echo "fuzz: $(words $(FUZZ_TARGETS)) passed, 0 failed"
