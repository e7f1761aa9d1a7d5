# SPDX-License-Identifier: LGPL-2.1-or-later
# Unit tests of the emulator firmware's pure parts (no FunctionFS needed).

EMU_TEST_CFLAGS := $(shell pkg-config --cflags check)
EMU_TEST_LIBS   := $(shell pkg-config --libs check) $(shell pkg-config --libs zlib) -lm

EMU_UNIT_TESTS := \
	$(BUILD)/tests/test_emu_firmware \
	$(BUILD)/tests/test_emu_frame \
	$(BUILD)/tests/test_emu_scenario \
	$(BUILD)/tests/test_emu_events \
	$(BUILD)/tests/test_emu_control \
	$(BUILD)/tests/test_emu_descriptors \
	$(BUILD)/tests/test_emu_framesrc \
	$(BUILD)/tests/test_emu_stream

UNIT_TESTS += $(EMU_UNIT_TESTS)

$(BUILD)/obj/tests/unit/test_emu_%.o: CFLAGS += $(EMU_TEST_CFLAGS)

$(BUILD)/tests/test_emu_firmware: $(BUILD)/obj/tests/unit/test_emu_firmware.o $(BUILD)/obj/emulator/firmware.o
$(BUILD)/tests/test_emu_frame: $(BUILD)/obj/tests/unit/test_emu_frame.o $(BUILD)/obj/emulator/frame.o
$(BUILD)/tests/test_emu_scenario: $(BUILD)/obj/tests/unit/test_emu_scenario.o $(BUILD)/obj/emulator/scenario.o
$(BUILD)/tests/test_emu_events: $(BUILD)/obj/tests/unit/test_emu_events.o $(BUILD)/obj/emulator/events.o
$(BUILD)/tests/test_emu_control: $(BUILD)/obj/tests/unit/test_emu_control.o \
	$(addprefix $(BUILD)/obj/emulator/,control.o emu.o scenario.o firmware.o events.o log.o)

$(BUILD)/tests/test_emu_descriptors: $(BUILD)/obj/tests/unit/test_emu_descriptors.o $(BUILD)/obj/emulator/descriptors.o
# the renderer library comes from emulator/render/render.mk
$(BUILD)/tests/test_emu_framesrc: $(BUILD)/obj/tests/unit/test_emu_framesrc.o \
	$(addprefix $(BUILD)/obj/emulator/,framesrc.o frame.o scenario.o firmware.o) \
	$(BUILD)/lib/libpvrender.a

$(BUILD)/tests/test_emu_stream: $(BUILD)/obj/tests/unit/test_emu_stream.o \
	$(addprefix $(BUILD)/obj/emulator/,stream.o emu.o framesrc.o frame.o scenario.o firmware.o events.o log.o) \
	$(BUILD)/lib/libpvrender.a

$(EMU_UNIT_TESTS):
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(EMU_TEST_LIBS)
