# SPDX-License-Identifier: LGPL-2.1-or-later
#
# libpalmvein imaging half: decoding, hand segmentation, capture quality,
# ROI extraction and vein enhancement (docs/roi.md). lib/lib.mk builds the
# library from LIB_SRCS.

LIB_SRCS += lib/image.c lib/ambient.c lib/segment.c lib/quality.c lib/roi.c lib/enhance.c

IMAGING_OBJS := $(addprefix $(BUILD)/obj/lib/,image.o ambient.o segment.o quality.o roi.o enhance.o)

# Segmentation's whole-frame loops want the vectoriser's full cost model:
# about 7 % of frame -> template (docs/benchmarks.md), same results. The
# pair subtraction becomes saturating vector subtracts: 0.30 -> 0.03 ms;
# the quality measures' gradient sums another 2 %.
$(BUILD)/obj/lib/segment.o $(BUILD)/obj/lib/ambient.o \
		$(BUILD)/obj/lib/quality.o: CFLAGS += -O3

# bench-roi: decode -> ROI on a rendered 768x576 frame, against a memcpy of
# the same frame as the same-run baseline (docs/benchmarks.md).
$(BUILD)/obj/bench/roi.o: CPPFLAGS += -Iemulator/render

# bench/bench_common.o is built by bench/bench.mk.
$(BUILD)/bin/bench-roi: $(BUILD)/obj/bench/roi.o $(BUILD)/obj/bench/bench_common.o \
		$(IMAGING_OBJS) $(BUILD)/lib/libpvrender.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs libturbojpeg) -lm

.PHONY: bench-roi
bench-roi: $(BUILD)/bin/bench-roi
	$(BUILD)/bin/bench-roi

ALL_TARGETS += $(BUILD)/bin/bench-roi
