# SPDX-License-Identifier: LGPL-2.1-or-later
# Unit tests of decoding and ROI extraction (lib/imaging.mk). test_roi reads
# ../shared/data when present and says so when it skips those checks.

IMAGING_TEST_CFLAGS := $(shell pkg-config --cflags check libturbojpeg)
IMAGING_TEST_LIBS   := $(shell pkg-config --libs check libturbojpeg) -lm

IMAGING_UNIT_TESTS := $(BUILD)/tests/test_image $(BUILD)/tests/test_roi \
	$(BUILD)/tests/test_roi_render $(BUILD)/tests/test_ambient
UNIT_TESTS += $(IMAGING_UNIT_TESTS)

$(BUILD)/obj/tests/unit/test_image.o $(BUILD)/obj/tests/unit/test_roi.o \
$(BUILD)/obj/tests/unit/test_roi_render.o \
$(BUILD)/obj/tests/unit/test_ambient.o: CFLAGS += $(IMAGING_TEST_CFLAGS)
# test_roi_render and test_ambient check the ROI pose against the
# renderer's ground truth
$(BUILD)/obj/tests/unit/test_roi_render.o \
$(BUILD)/obj/tests/unit/test_ambient.o: CPPFLAGS += $(RENDER_CPPFLAGS)

$(BUILD)/tests/test_image: $(BUILD)/obj/tests/unit/test_image.o $(IMAGING_OBJS)
$(BUILD)/tests/test_roi: $(BUILD)/obj/tests/unit/test_roi.o $(IMAGING_OBJS)
$(BUILD)/tests/test_roi_render: $(BUILD)/obj/tests/unit/test_roi_render.o \
	$(IMAGING_OBJS) $(RENDER_LIB)
$(BUILD)/tests/test_ambient: $(BUILD)/obj/tests/unit/test_ambient.o \
	$(IMAGING_OBJS) $(RENDER_LIB)

$(IMAGING_UNIT_TESTS):
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(IMAGING_TEST_LIBS)
