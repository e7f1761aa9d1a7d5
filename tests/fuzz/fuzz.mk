# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Fuzz tier. Every parser has a libFuzzer target tests/fuzz/fuzz_NAME.c and a
# seed corpus tests/fuzz/corpus/NAME/. Each target is built twice:
#  - with clang + libFuzzer, run by `make check-fuzz` for FUZZ_SECONDS;
#  - with the normal compiler + replay.c as a Check unit test that replays
#    the corpus, so `make check-unit` (and its ASan build) covers it too.
# New inputs found by a run land in $(BUILD)/fuzz/new/NAME; copy the ones
# worth keeping into the corpus by hand.

CLANG        ?= clang
FUZZ_SECONDS ?= 20
FUZZ_CFLAGS  := -std=c11 -g -O1 -Wall -Wextra -Werror \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

# name, extra sources (parsed code under test), extra link flags
FUZZ_TARGETS := frame_header
FUZZ_SRCS_frame_header :=
FUZZ_LIBS_frame_header :=

define fuzz_rules
$(BUILD)/fuzz/fuzz_$(1): tests/fuzz/fuzz_$(1).c $(FUZZ_SRCS_$(1))
	@mkdir -p $$(@D)
	$(CLANG) $(CPPFLAGS) $(FUZZ_CFLAGS) -o $$@ $$^ $(FUZZ_LIBS_$(1))

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

check-fuzz: $(FUZZERS)
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p $(BUILD)/fuzz/new/$$t $(BUILD)/fuzz/artifacts; \
		echo "== fuzz $$t for $(FUZZ_SECONDS)s"; \
		$(BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
			-rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=$(BUILD)/fuzz/artifacts/$$t- \
			$(BUILD)/fuzz/new/$$t tests/fuzz/corpus/$$t 2>&1 | \
			grep -E '^(stat::number_of_executed_units|==|INFO: .*corpus|SUMMARY)' || true; \
		if ls $(BUILD)/fuzz/artifacts/$$t-* >/dev/null 2>&1; then \
			echo "fuzz $$t: crash, see $(BUILD)/fuzz/artifacts"; exit 1; fi; \
	done; echo "fuzz: $(words $(FUZZ_TARGETS)) passed, 0 failed"
