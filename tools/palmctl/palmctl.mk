# SPDX-License-Identifier: LGPL-2.1-or-later
# palmctl: the command-line front end (offline extract/compare/eval so far).

PALMCTL_SRCS := tools/palmctl/palmctl.c tools/palmctl/files.c \
		tools/palmctl/offline.c tools/palmctl/eval.c \
		tools/palmctl/error_rates.c
PALMCTL_OBJS := $(PALMCTL_SRCS:%.c=$(BUILD)/obj/%.o)
PALMCTL      := $(BUILD)/bin/palmctl

$(PALMCTL): $(PALMCTL_OBJS) $(PALMVEIN_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(PALMCTL_OBJS) $(PALMVEIN_LIBS)

ALL_TARGETS += $(PALMCTL)
