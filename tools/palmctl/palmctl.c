// SPDX-License-Identifier: LGPL-2.1-or-later
/* palmctl: command-line front end of palmvein. */
#include <stdio.h>
#include <string.h>

#include "palmctl.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "extract", cmd_extract,
	  "extract IMAGE -o OUT.pvt [--roi-out ROI.pgm] [--key-file SECRET]\n"
	  "        [--unlit UNLIT]\n"
	  "        Template of the palm in IMAGE (PGM or JPEG). Exit 2 when\n"
	  "        there is no usable palm, with the reason. With a key file\n"
	  "        the template is protected (renewable). With --unlit, the\n"
	  "        frame taken with the LEDs off is subtracted first, which\n"
	  "        cancels room light." },
	{ "compare", cmd_compare,
	  "compare [--key-file SECRET] PROBE.pvt GALLERY.pvt...\n"
	  "        Prints 'SCORE PATH' per gallery template; 1 = same palm.\n"
	  "        Plain templates score both orders, either way round the\n"
	  "        same. The probe is plain; with a key, gallery templates\n"
	  "        are protected ones, and only the probe's order counts." },
	{ "info", cmd_info,
	  "info TEMPLATE.pvt...\n"
	  "        Prints what each template holds: version, algorithm, key id\n"
	  "        (0 = plain), ROI geometry, quality and valid cells, to see\n"
	  "        why a template matches badly." },
	{ "eval", cmd_eval,
	  "eval DIR --pattern REGEX [--det FILE.svg] [--threads N] [--key-file SECRET]\n"
	  "        [--pairs]\n"
	  "        Accuracy on a labelled image folder: REGEX's first group\n"
	  "        is the identity, an optional second group the session.\n"
	  "        Plain pairs score both orders, as compare does; with a\n"
	  "        key, references are protected (renewable) and only the\n"
	  "        probe's order counts.\n"
	  "        NAME.unlit.EXT is the unlit frame of NAME.EXT, never a\n"
	  "        sample; --pairs subtracts it from each sample." },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: palmctl COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i].usage);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "palmctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 1;
}
