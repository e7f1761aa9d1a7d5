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

# check-cross: the library must build on arm64 kiosks. Every source
# compiles to an aarch64 object with the project's flags (Debian packages
# gcc-aarch64-linux-gnu and libc6-dev-arm64-cross); nothing links. The
# compiler would fall back to /usr/include, so the search path is rebuilt
# without it: its own headers, the arm64 libc, and a directory holding only
# the arch-independent turbojpeg and nettle headers.
CROSS_CC      := aarch64-linux-gnu-gcc
CROSS_INCLUDE := $(BUILD)/cross-include
CROSS_OBJS    := $(LIB_SRCS:%.c=$(BUILD)/cross/obj/%.o)
# Recursive, so that the compiler is only asked when a cross object builds.
CROSS_CPPFLAGS = -nostdinc -isystem $(shell $(CROSS_CC) -print-file-name=include) \
		 -isystem /usr/aarch64-linux-gnu/include -isystem $(CROSS_INCLUDE)

$(CROSS_INCLUDE)/.stamp:
	@mkdir -p $(@D)
	ln -sfn /usr/include/turbojpeg.h /usr/include/nettle $(@D)/
	touch $@

$(CROSS_OBJS): $(BUILD)/cross/obj/%.o: %.c $(CROSS_INCLUDE)/.stamp
	@mkdir -p $(@D)
	$(CROSS_CC) $(CPPFLAGS) $(CROSS_CPPFLAGS) $(CFLAGS) -c -o $@ $<

-include $(CROSS_OBJS:.o=.d)

.PHONY: check-cross
check-cross: $(CROSS_OBJS)

# The matcher's searches: -O3 unrolls their fixed-count candidate loops,
# 3-8 % of the wide search (docs/benchmarks.md), same results.
$(BUILD)/obj/lib/match.o: CFLAGS += -O3
