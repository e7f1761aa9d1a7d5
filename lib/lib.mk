# SPDX-License-Identifier: LGPL-2.1-or-later
#
# libpalmvein. lib/imaging.mk (decode, segmentation, ROI, enhancement) sorts
# before this file and has already appended its sources to LIB_SRCS.

LIB_SRCS += lib/features.c lib/template.c lib/match.c \
	    lib/gallery.c lib/renew.c lib/extract.c

LIB_PKGS := libturbojpeg nettle
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)

PALMVEIN_LIB  := $(BUILD)/lib/libpalmvein.a
PALMVEIN_SO   := $(BUILD)/lib/libpalmvein.so
# Link flags for programs using the static library.
PALMVEIN_LIBS := $(PALMVEIN_LIB) $(shell pkg-config --libs $(LIB_PKGS)) -lm -pthread

$(LIB_OBJS): CFLAGS += $(shell pkg-config --cflags $(LIB_PKGS))

$(PALMVEIN_LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(PALMVEIN_SO): $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,libpalmvein.so.0 $(LDFLAGS) -o $@ $^ \
		$(shell pkg-config --libs $(LIB_PKGS)) -lm

ALL_TARGETS += $(PALMVEIN_LIB) $(PALMVEIN_SO)
