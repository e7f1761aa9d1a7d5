# SPDX-License-Identifier: LGPL-2.1-or-later
#
# palmvein-emu: the sensor firmware on FunctionFS (docs/emulator.md).
# Links the renderer from emulator/render/render.mk, which is included after
# this fragment; the library path is spelled out so prerequisites resolve.

EMU_SRCS := main.c emu.c ep0.c stream.c intr.c control.c gadget.c \
	descriptors.c firmware.c frame.c events.c scenario.c framesrc.c \
	snapshot.c log.c
EMU_OBJS := $(addprefix $(BUILD)/obj/emulator/,$(EMU_SRCS:.c=.o))
EMU_BIN  := $(BUILD)/bin/palmvein-emu
EMU_LIBS := $(shell pkg-config --libs zlib) -lm

$(EMU_BIN): $(EMU_OBJS) $(BUILD)/lib/libpvrender.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(EMU_LIBS)

ALL_TARGETS += $(EMU_BIN)
