# SPDX-License-Identifier: LGPL-2.1-or-later
# bench-lib: libpalmvein speed (frame -> template, matching, 1:N), each
# figure beside a baseline measured in the same run (docs/benchmarks.md),
# and the feature/alignment alternatives (docs/accuracy.md).
# PALMVEIN_LIB comes from lib/lib.mk, which sorts after this file: only
# deferred (recipe / second-expansion) uses here.

BENCH_LIB_BINS := $(BUILD)/bin/bench-pipeline $(BUILD)/bin/bench-match \
		  $(BUILD)/bin/bench-features

# Timing, rendered frames and the box-blur baseline, shared with bench-roi
# (lib/imaging.mk).
BENCH_COMMON_OBJ := $(BUILD)/obj/bench/bench_common.o
$(BENCH_COMMON_OBJ) $(BUILD)/obj/bench/pipeline.o: CPPFLAGS += -Iemulator/render

.SECONDEXPANSION:
$(BUILD)/bin/bench-pipeline: $(BUILD)/obj/bench/pipeline.o $(BENCH_COMMON_OBJ) \
		$$(PALMVEIN_LIB) $$(RENDER_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(RENDER_LIB) $(PALMVEIN_LIBS)

$(BUILD)/bin/bench-match: $(BUILD)/obj/bench/match.o $$(PALMVEIN_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(PALMVEIN_LIBS)

# Feature and alignment alternatives on polyu-nir-roi (docs/accuracy.md).
$(BUILD)/bin/bench-features: $(BUILD)/obj/bench/features.o \
		$(BUILD)/obj/tools/palmctl/error_rates.o $$(PALMVEIN_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(PALMVEIN_LIBS)

.PHONY: bench-lib
bench-lib: $(BENCH_LIB_BINS)
	$(BUILD)/bin/bench-pipeline
	$(BUILD)/bin/bench-match
	$(BUILD)/bin/bench-features

ALL_TARGETS += $(BENCH_LIB_BINS)
