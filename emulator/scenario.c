// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Scenario script parser and timeline evaluation. The syntax is documented
 * in docs/emulator.md; every rejected line is reported with line and column.
 */
#include "scenario.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scn_field_rule {
	const char *name;
	double min, max, initial;
};

/* spread < 0 asks the renderer for the identity's natural spread */
static const struct scn_field_rule scn_fields[SCN_NUM_FIELDS] = {
	[SCN_X] = { "x", -100.0, 100.0, 0.0 },
	[SCN_Y] = { "y", -100.0, 100.0, 0.0 },
	[SCN_ROT] = { "rot", -180.0, 180.0, 0.0 },
	[SCN_DIST] = { "dist", 5.0, 400.0, 60.0 },
	[SCN_SPREAD] = { "spread", 0.0, 1.0, -1.0 },
	[SCN_DEFORM] = { "deform", 0.0, 1.0, 0.0 },
	[SCN_AMBIENT] = { "ambient", 0.0, 1.0, 0.0 },
	[SCN_GLARE] = { "glare", 0.0, 1.0, 0.0 },
};

/* A move of spread from the natural default starts from an open hand. */
#define SCN_SPREAD_OPEN 1.0
#define SCN_MAX_TIME_S 1e6
#define SCN_MAX_TOKEN 64
#define SCN_MAX_TOKENS 32

struct scn_token {
	const char *s;
	size_t len;
	unsigned int column;
};

struct scn_parser {
	struct scn_timeline *tl;
	size_t capacity;
	struct scn_error *err;
	unsigned int line;
	unsigned int line_end_column;	/* column just past the last token */
	double cursor;
	bool looped;
};

void scn_timeline_init(struct scn_timeline *tl)
{
	unsigned int f;

	memset(tl, 0, sizeof(*tl));
	tl->initial.target = PV_TARGET_NONE;
	for (f = 0; f < SCN_NUM_FIELDS; f++)
		tl->initial.field[f].base = scn_fields[f].initial;
}

void scn_timeline_free(struct scn_timeline *tl)
{
	free(tl->events);
	tl->events = NULL;
	tl->count = 0;
}

__attribute__((format(printf, 3, 4)))
static int scn_fail(struct scn_parser *p, unsigned int column,
		    const char *fmt, ...)
{
	va_list ap;

	p->err->line = p->line;
	p->err->column = column;
	va_start(ap, fmt);
	vsnprintf(p->err->message, sizeof(p->err->message), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool tok_is(const struct scn_token *t, const char *word)
{
	return t->len == strlen(word) && !memcmp(t->s, word, t->len);
}

/* Copies a token into a NUL-terminated buffer; false when too long. */
static bool tok_copy(const char *s, size_t len, char *out)
{
	if (len >= SCN_MAX_TOKEN)
		return false;
	memcpy(out, s, len);
	out[len] = '\0';
	return true;
}

static int parse_number(struct scn_parser *p, const char *s, size_t len,
			unsigned int column, double *out)
{
	char text[SCN_MAX_TOKEN], *end;
	double v;

	if (!len)
		return scn_fail(p, column, "expected a number");
	if (!tok_copy(s, len, text))
		return scn_fail(p, column, "number too long");
	/* strtod would accept hex, inf and nan; scripts use decimals only */
	if (strspn(text, "+-0123456789.eE") != len)
		return scn_fail(p, column, "expected a number, got '%.*s'",
				(int)len, s);
	errno = 0;
	v = strtod(text, &end);
	if (end != text + len || errno || !isfinite(v))
		return scn_fail(p, column, "expected a number, got '%.*s'",
				(int)len, s);
	*out = v;
	return 0;
}

static int parse_uint32(struct scn_parser *p, const char *s, size_t len,
			unsigned int column, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!len)
		return scn_fail(p, column, "expected an integer");
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return scn_fail(p, column,
					"expected an integer, got '%.*s'",
					(int)len, s);
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return scn_fail(p, column,
					"integer out of range 0..4294967295");
	}
	*out = (uint32_t)v;
	return 0;
}

/* A time or duration: a number followed by "s" or "ms". */
static int parse_duration(struct scn_parser *p, const struct scn_token *t,
			  double *out)
{
	size_t unit_len;
	double scale, v;
	int ret;

	if (t->len > 2 && !memcmp(t->s + t->len - 2, "ms", 2)) {
		unit_len = 2;
		scale = 1e-3;
	} else if (t->len > 1 && t->s[t->len - 1] == 's') {
		unit_len = 1;
		scale = 1.0;
	} else {
		return scn_fail(p, t->column,
				"expected a time like 2.5s or 500ms, got '%.*s'",
				(int)t->len, t->s);
	}
	ret = parse_number(p, t->s, t->len - unit_len, t->column, &v);
	if (ret)
		return ret;
	v *= scale;
	if (v < 0.0 || v > SCN_MAX_TIME_S)
		return scn_fail(p, t->column, "time out of range 0..1000000s");
	*out = v;
	return 0;
}

static int scn_field_lookup(const char *s, size_t len)
{
	unsigned int f;

	for (f = 0; f < SCN_NUM_FIELDS; f++)
		if (strlen(scn_fields[f].name) == len &&
		    !memcmp(scn_fields[f].name, s, len))
			return (int)f;
	return -1;
}

static int parse_field_value(struct scn_parser *p, unsigned int f,
			     const char *s, size_t len, unsigned int column,
			     struct scn_event *ev)
{
	const struct scn_field_rule *rule = &scn_fields[f];
	double v;
	int ret;

	ret = parse_number(p, s, len, column, &v);
	if (ret)
		return ret;
	if (v < rule->min || v > rule->max)
		return scn_fail(p, column, "%s out of range %g..%g",
				rule->name, rule->min, rule->max);
	ev->field_mask |= 1u << f;
	ev->value[f] = v;
	return 0;
}

/* name=value assignments from tokens [first, count). */
static int parse_assignments(struct scn_parser *p, const struct scn_token *tok,
			     size_t first, size_t count, bool allow_seed,
			     struct scn_event *ev)
{
	const char *eq;
	size_t i, name_len;
	unsigned int value_column;
	int f, ret;

	for (i = first; i < count; i++) {
		eq = memchr(tok[i].s, '=', tok[i].len);
		if (!eq)
			return scn_fail(p, tok[i].column,
					"expected name=value, got '%.*s'",
					(int)tok[i].len, tok[i].s);
		name_len = (size_t)(eq - tok[i].s);
		value_column = tok[i].column + (unsigned int)name_len + 1;
		if (allow_seed && name_len == 4 && !memcmp(tok[i].s, "seed", 4)) {
			if (ev->set_seed)
				return scn_fail(p, tok[i].column,
						"seed given twice");
			ret = parse_uint32(p, eq + 1, tok[i].len - name_len - 1,
					   value_column, &ev->seed);
			if (ret)
				return ret;
			ev->set_seed = true;
			continue;
		}
		f = scn_field_lookup(tok[i].s, name_len);
		if (f < 0)
			return scn_fail(p, tok[i].column,
					"unknown field '%.*s'", (int)name_len,
					tok[i].s);
		if (ev->field_mask & (1u << f))
			return scn_fail(p, tok[i].column, "%s given twice",
					scn_fields[f].name);
		ret = parse_field_value(p, (unsigned int)f, eq + 1,
					tok[i].len - name_len - 1,
					value_column, ev);
		if (ret)
			return ret;
	}
	return 0;
}

static int scn_append(struct scn_parser *p, const struct scn_event *ev)
{
	struct scn_timeline *tl = p->tl;
	struct scn_event *grown;
	size_t cap;

	if (tl->count == p->capacity) {
		cap = p->capacity ? p->capacity * 2 : 16;
		grown = realloc(tl->events, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		tl->events = grown;
		p->capacity = cap;
	}
	tl->events[tl->count++] = *ev;
	return 0;
}

/* Column to blame when an argument is missing: just past the line. */
static int scn_missing(struct scn_parser *p, const char *what)
{
	return scn_fail(p, p->line_end_column, "expected %s", what);
}

static int expect_no_more(struct scn_parser *p, const struct scn_token *tok,
			  size_t next, size_t count)
{
	if (next < count)
		return scn_fail(p, tok[next].column, "unexpected '%.*s'",
				(int)tok[next].len, tok[next].s);
	return 0;
}

static int parse_target(struct scn_parser *p, const struct scn_token *tok,
			size_t i, size_t count, enum pv_target target,
			struct scn_event *ev)
{
	int ret;

	if (i + 1 >= count)
		return scn_missing(p, "an identity number");
	ret = parse_uint32(p, tok[i + 1].s, tok[i + 1].len, tok[i + 1].column,
			   &ev->identity);
	if (ret)
		return ret;
	ev->set_target = true;
	ev->target = target;
	return parse_assignments(p, tok, i + 2, count, true, ev);
}

static int parse_single_field(struct scn_parser *p,
			      const struct scn_token *tok, size_t i,
			      size_t count, enum scn_field f,
			      struct scn_event *ev)
{
	int ret;

	if (i + 1 >= count)
		return scn_missing(p, "a number");
	ret = parse_field_value(p, f, tok[i + 1].s, tok[i + 1].len,
				tok[i + 1].column, ev);
	if (ret)
		return ret;
	return expect_no_more(p, tok, i + 2, count);
}

static int parse_command(struct scn_parser *p, const struct scn_token *tok,
			 size_t i, size_t count)
{
	const struct scn_token *cmd = &tok[i];
	struct scn_event ev;
	double d;
	int ret;

	if (p->looped)
		return scn_fail(p, cmd->column, "nothing may follow loop");
	memset(&ev, 0, sizeof(ev));
	ev.t = p->cursor;
	ev.kind = SCN_EV_SET;

	if (tok_is(cmd, "none")) {
		ret = expect_no_more(p, tok, i + 1, count);
		ev.set_target = true;
		ev.target = PV_TARGET_NONE;
	} else if (tok_is(cmd, "palm")) {
		ret = parse_target(p, tok, i, count, PV_TARGET_PALM, &ev);
	} else if (tok_is(cmd, "photo")) {
		ret = parse_target(p, tok, i, count, PV_TARGET_PHOTO, &ev);
	} else if (tok_is(cmd, "fake")) {
		ret = parse_target(p, tok, i, count, PV_TARGET_FAKE, &ev);
	} else if (tok_is(cmd, "pose")) {
		if (i + 1 >= count)
			return scn_missing(p, "name=value");
		ret = parse_assignments(p, tok, i + 1, count, true, &ev);
	} else if (tok_is(cmd, "move")) {
		if (i + 1 >= count)
			return scn_missing(p, "a duration");
		ret = parse_duration(p, &tok[i + 1], &ev.duration);
		if (ret)
			return ret;
		if (ev.duration <= 0.0)
			return scn_fail(p, tok[i + 1].column,
					"a move needs a positive duration");
		if (i + 2 >= count)
			return scn_missing(p, "name=value");
		ev.kind = SCN_EV_MOVE;
		ret = parse_assignments(p, tok, i + 2, count, false, &ev);
	} else if (tok_is(cmd, "ambient")) {
		ret = parse_single_field(p, tok, i, count, SCN_AMBIENT, &ev);
	} else if (tok_is(cmd, "glare")) {
		ret = parse_single_field(p, tok, i, count, SCN_GLARE, &ev);
	} else if (tok_is(cmd, "seed")) {
		if (i + 1 >= count)
			return scn_missing(p, "an integer");
		ret = parse_uint32(p, tok[i + 1].s, tok[i + 1].len,
				   tok[i + 1].column, &ev.seed);
		if (ret)
			return ret;
		ev.set_seed = true;
		ret = expect_no_more(p, tok, i + 2, count);
	} else if (tok_is(cmd, "wait")) {
		if (i + 1 >= count)
			return scn_missing(p, "a duration");
		ret = parse_duration(p, &tok[i + 1], &d);
		if (ret)
			return ret;
		ret = expect_no_more(p, tok, i + 2, count);
		if (ret)
			return ret;
		if (p->cursor + d > SCN_MAX_TIME_S)
			return scn_fail(p, tok[i + 1].column,
					"script longer than 1000000s");
		p->cursor += d;
		return 0;
	} else if (tok_is(cmd, "loop")) {
		ret = expect_no_more(p, tok, i + 1, count);
		if (ret)
			return ret;
		if (p->cursor <= 0.0)
			return scn_fail(p, cmd->column,
					"loop needs a positive period: use wait or at before it");
		p->tl->loop_period = p->cursor;
		p->looped = true;
		return 0;
	} else if (tok_is(cmd, "at")) {
		return scn_fail(p, cmd->column, "'at' must start the line");
	} else {
		return scn_fail(p, cmd->column, "unknown command '%.*s'",
				(int)cmd->len, cmd->s);
	}
	if (ret)
		return ret;
	return scn_append(p, &ev);
}

static int parse_line(struct scn_parser *p, const char *s, size_t len)
{
	struct scn_token tok[SCN_MAX_TOKENS];
	size_t count = 0, pos = 0, start;
	double t;
	int ret;

	while (pos < len && s[pos] != '#') {
		unsigned char c = (unsigned char)s[pos];

		if (c == ' ' || c == '\t' || c == '\r') {
			pos++;
			continue;
		}
		if (c < 0x20 || c >= 0x7f)
			return scn_fail(p, (unsigned int)pos + 1,
					"invalid character 0x%02x", c);
		if (count == SCN_MAX_TOKENS)
			return scn_fail(p, (unsigned int)pos + 1,
					"too many words on one line");
		start = pos;
		while (pos < len && s[pos] != ' ' && s[pos] != '\t' &&
		       s[pos] != '\r' && s[pos] != '#' &&
		       (unsigned char)s[pos] >= 0x20 &&
		       (unsigned char)s[pos] < 0x7f)
			pos++;
		tok[count].s = s + start;
		tok[count].len = pos - start;
		tok[count].column = (unsigned int)start + 1;
		count++;
	}
	if (!count)
		return 0;
	p->line_end_column = (unsigned int)(tok[count - 1].column +
					    tok[count - 1].len);

	if (!tok_is(&tok[0], "at"))
		return parse_command(p, tok, 0, count);
	if (count < 2)
		return scn_missing(p, "a time after 'at'");
	ret = parse_duration(p, &tok[1], &t);
	if (ret)
		return ret;
	if (t < p->cursor)
		return scn_fail(p, tok[1].column,
				"time goes backwards: script is already at %gs",
				p->cursor);
	if (count < 3)
		return scn_missing(p, "a command after the time");
	p->cursor = t;
	return parse_command(p, tok, 2, count);
}

int scn_parse(const char *buf, size_t len, struct scn_timeline *tl,
	      struct scn_error *err)
{
	struct scn_parser p = { .tl = tl, .err = err, .line = 0 };
	size_t pos = 0, end;
	int ret;

	scn_timeline_init(tl);
	memset(err, 0, sizeof(*err));
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);

		end = nl ? (size_t)(nl - buf) : len;
		p.line++;
		ret = parse_line(&p, buf + pos, end - pos);
		if (ret) {
			if (ret == -ENOMEM)
				snprintf(err->message, sizeof(err->message),
					 "out of memory");
			scn_timeline_free(tl);
			return ret;
		}
		pos = end + 1;
	}
	return 0;
}

static double scn_value_at(const struct scn_value *v, double t)
{
	double share;

	if (v->duration <= 0.0)
		return v->base;
	share = (t - v->t0) / v->duration;
	if (share <= 0.0)
		return v->base;
	if (share >= 1.0)
		return v->to;
	return v->base + (v->to - v->base) * share;
}

static void scn_apply(struct scn_state *st, const struct scn_event *ev)
{
	struct scn_value *v;
	unsigned int f;

	if (ev->set_target) {
		st->target = ev->target;
		st->identity = ev->identity;
	}
	if (ev->set_seed)
		st->seed = ev->seed;
	for (f = 0; f < SCN_NUM_FIELDS; f++) {
		if (!(ev->field_mask & (1u << f)))
			continue;
		v = &st->field[f];
		if (ev->kind == SCN_EV_MOVE) {
			v->base = scn_value_at(v, ev->t);
			if (f == SCN_SPREAD && v->base < 0.0)
				v->base = SCN_SPREAD_OPEN;
			v->to = ev->value[f];
			v->t0 = ev->t;
			v->duration = ev->duration;
		} else {
			v->base = ev->value[f];
			v->duration = 0.0;
		}
	}
}

/* Maps @t into the loop and returns the state there; *@local gets it. */
static void scn_state_local(const struct scn_timeline *tl, double t,
			    struct scn_state *st, double *local)
{
	size_t i;

	if (tl->loop_period > 0.0 && t >= 0.0)
		t = fmod(t, tl->loop_period);
	*st = tl->initial;
	for (i = 0; i < tl->count && tl->events[i].t <= t; i++)
		scn_apply(st, &tl->events[i]);
	*local = t;
}

void scn_state_at(const struct scn_timeline *tl, double t,
		  struct scn_state *state)
{
	double local;

	scn_state_local(tl, t, state, &local);
}

void scn_scene_at(const struct scn_timeline *tl, double t,
		  struct pv_scene_desc *desc)
{
	struct scn_state st;
	double local;

	scn_state_local(tl, t, &st, &local);
	memset(desc, 0, sizeof(*desc));
	desc->target = st.target;
	desc->identity = st.identity;
	desc->pose.x_mm = (float)scn_value_at(&st.field[SCN_X], local);
	desc->pose.y_mm = (float)scn_value_at(&st.field[SCN_Y], local);
	desc->pose.rotation_deg = (float)scn_value_at(&st.field[SCN_ROT], local);
	desc->pose.distance_mm = (float)scn_value_at(&st.field[SCN_DIST], local);
	desc->pose.finger_spread =
		(float)scn_value_at(&st.field[SCN_SPREAD], local);
	desc->pose.deform = (float)scn_value_at(&st.field[SCN_DEFORM], local);
	desc->pose.seed = st.seed;
	desc->ambient = (float)scn_value_at(&st.field[SCN_AMBIENT], local);
	desc->glare = (float)scn_value_at(&st.field[SCN_GLARE], local);
}

int scn_apply_live(struct scn_timeline *tl, double now, const char *line,
		   size_t len, struct scn_error *err)
{
	struct scn_timeline live;
	struct scn_state st;
	double local;
	unsigned int f;
	int ret;

	ret = scn_parse(line, len, &live, err);
	if (ret)
		return ret;
	scn_state_local(tl, now, &st, &local);
	/* motions in progress keep running on the new time base */
	for (f = 0; f < SCN_NUM_FIELDS; f++)
		st.field[f].t0 -= local;
	live.initial = st;
	scn_timeline_free(tl);
	*tl = live;
	return 0;
}

bool scn_scene_equal(const struct pv_scene_desc *a,
		     const struct pv_scene_desc *b)
{
	return a->target == b->target && a->identity == b->identity &&
	       a->pose.x_mm == b->pose.x_mm && a->pose.y_mm == b->pose.y_mm &&
	       a->pose.rotation_deg == b->pose.rotation_deg &&
	       a->pose.distance_mm == b->pose.distance_mm &&
	       a->pose.finger_spread == b->pose.finger_spread &&
	       a->pose.deform == b->pose.deform &&
	       a->pose.seed == b->pose.seed && a->ambient == b->ambient &&
	       a->glare == b->glare;
}

uint16_t scn_distance_mm(const struct pv_scene_desc *desc,
			 unsigned int min_mm, unsigned int max_mm)
{
	long mm;

	if (desc->target == PV_TARGET_NONE)
		return 0xffff;
	mm = lround(desc->pose.distance_mm);
	if (mm < (long)min_mm || mm > (long)max_mm)
		return 0xffff;
	return (uint16_t)mm;
}
