# SPDX-License-Identifier: LGPL-2.1-or-later
# Unit tests of the palm renderer.

CHECK_CFLAGS ?= $(shell pkg-config --cflags check)
CHECK_LIBS ?= $(shell pkg-config --libs check)

$(BUILD)/obj/tests/unit/test_render.o: CPPFLAGS += $(RENDER_CPPFLAGS) $(CHECK_CFLAGS)

$(BUILD)/tests/test_render: $(BUILD)/obj/tests/unit/test_render.o $(RENDER_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(RENDER_LDLIBS)

UNIT_TESTS += $(BUILD)/tests/test_render
