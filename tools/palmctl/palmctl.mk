# SPDX-License-Identifier: LGPL-2.1-or-later
# palmctl: the command-line front end (offline extract/compare/info/eval so far).

PALMCTL_SRCS := tools/palmctl/palmctl.c tools/palmctl/files.c \
		tools/palmctl/offline.c tools/palmctl/info.c tools/palmctl/eval.c \
		tools/palmctl/error_rates.c
PALMCTL_OBJS := $(PALMCTL_SRCS:%.c=$(BUILD)/obj/%.o)
PALMCTL      := $(BUILD)/bin/palmctl

$(PALMCTL): $(PALMCTL_OBJS) $(PALMVEIN_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(PALMCTL_OBJS) $(PALMVEIN_LIBS)

ALL_TARGETS += $(PALMCTL)

# The info command's output, checked through its printing function.
$(BUILD)/obj/tests/unit/test_palmctl_info.o: CFLAGS += $(shell pkg-config --cflags check)

.SECONDEXPANSION:
$(BUILD)/tests/test_palmctl_info: $(BUILD)/obj/tests/unit/test_palmctl_info.o \
		$(BUILD)/obj/tools/palmctl/info.o $(BUILD)/obj/tools/palmctl/files.o \
		$$(PALMVEIN_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(shell pkg-config --libs check) \
		$(PALMVEIN_LIBS)

UNIT_TESTS += $(BUILD)/tests/test_palmctl_info

# The image -> template step on files, with and without an unlit frame,
# on frames the renderer draws.
$(BUILD)/obj/tests/unit/test_palmctl_extract.o: CFLAGS += $(shell pkg-config --cflags check)
$(BUILD)/obj/tests/unit/test_palmctl_extract.o: CPPFLAGS += $(RENDER_CPPFLAGS)

$(BUILD)/tests/test_palmctl_extract: $(BUILD)/obj/tests/unit/test_palmctl_extract.o \
		$(BUILD)/obj/tools/palmctl/offline.o $(BUILD)/obj/tools/palmctl/files.o \
		$$(PALMVEIN_LIB) $(RENDER_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(shell pkg-config --libs check) \
		$(PALMVEIN_LIBS)

UNIT_TESTS += $(BUILD)/tests/test_palmctl_extract

# eval's pair scores against pv_match(), on frames the renderer draws.
$(BUILD)/obj/tests/unit/test_palmctl_eval.o: CFLAGS += $(shell pkg-config --cflags check)
$(BUILD)/obj/tests/unit/test_palmctl_eval.o: CPPFLAGS += $(RENDER_CPPFLAGS)

$(BUILD)/tests/test_palmctl_eval: $(BUILD)/obj/tests/unit/test_palmctl_eval.o \
		$(BUILD)/obj/tools/palmctl/eval.o $(BUILD)/obj/tools/palmctl/offline.o \
		$(BUILD)/obj/tools/palmctl/files.o $(BUILD)/obj/tools/palmctl/error_rates.o \
		$$(PALMVEIN_LIB) $(RENDER_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(shell pkg-config --libs check) \
		$(PALMVEIN_LIBS)

UNIT_TESTS += $(BUILD)/tests/test_palmctl_eval
