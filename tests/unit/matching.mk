# SPDX-License-Identifier: LGPL-2.1-or-later
# Unit tests of libpalmvein's feature/template/matcher half and of palmctl's
# error-rate code. They link the static library, so PALMVEIN_LIB (defined in
# lib/lib.mk, which sorts after tests/) is only used in recipes and
# prerequisites that make expands after reading every fragment.

MATCH_TEST_CFLAGS := $(shell pkg-config --cflags check)
MATCH_TEST_LIBS    = $(shell pkg-config --libs check) $(PALMVEIN_LIBS)

MATCH_UNIT_TESTS := \
	$(BUILD)/tests/test_template \
	$(BUILD)/tests/test_match \
	$(BUILD)/tests/test_match_symmetry \
	$(BUILD)/tests/test_match_gallery \
	$(BUILD)/tests/test_match_renew \
	$(BUILD)/tests/test_template_features \
	$(BUILD)/tests/test_match_error_rates \
	$(BUILD)/tests/test_match_render

UNIT_TESTS += $(MATCH_UNIT_TESTS)

$(BUILD)/obj/tests/unit/test_template%.o $(BUILD)/obj/tests/unit/test_match%.o: \
	CFLAGS += $(MATCH_TEST_CFLAGS)

$(BUILD)/tests/test_match_error_rates: $(BUILD)/obj/tools/palmctl/error_rates.o

# Frame to score on the renderer's hands.
$(BUILD)/obj/tests/unit/test_match_render.o: CPPFLAGS += $(RENDER_CPPFLAGS)
$(BUILD)/tests/test_match_render: $(RENDER_LIB)

.SECONDEXPANSION:
$(MATCH_UNIT_TESTS): $(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $$(PALMVEIN_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(MATCH_TEST_LIBS)
