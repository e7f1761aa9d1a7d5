# SPDX-License-Identifier: LGPL-2.1-or-later
#
# libpvrender: the synthetic NIR palm renderer (emulator/render/render.h),
# linked by the emulator firmware, the unit tests and the benchmarks:
#   $(RENDER_LIB) $(RENDER_LDLIBS)
# Also pv-render-set (synthetic data sets) and bench-render.

RENDER_SRCS := hand.c veins.c raster.c tissue.c optics.c scene.c expose.c \
	presentation.c
RENDER_OBJS := $(addprefix $(BUILD)/obj/emulator/render/,$(RENDER_SRCS:.c=.o))
RENDER_LIB := $(BUILD)/lib/libpvrender.a
RENDER_LDLIBS := -lm
RENDER_CPPFLAGS := -Iemulator/render

$(RENDER_OBJS) $(BUILD)/obj/emulator/render/render-set.o \
$(BUILD)/obj/bench/render.o: CPPFLAGS += $(RENDER_CPPFLAGS)

$(RENDER_LIB): $(RENDER_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/bin/pv-render-set: $(BUILD)/obj/emulator/render/render-set.o $(RENDER_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(RENDER_LDLIBS)

$(BUILD)/bin/bench-render: $(BUILD)/obj/bench/render.o $(RENDER_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(RENDER_LDLIBS)

.PHONY: bench-render
bench-render: $(BUILD)/bin/bench-render
	$(BUILD)/bin/bench-render

ALL_TARGETS += $(RENDER_LIB)
ALL_TARGETS += $(BUILD)/bin/pv-render-set $(BUILD)/bin/bench-render
