// SPDX-License-Identifier: LGPL-2.1-or-later
#include "control.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define CONTROL_MAX_CLIENTS 8
#define CONTROL_LINE_MAX 1024
#define CONTROL_REPLY_MAX 256

struct control_client {
	int fd;
	size_t used;
	bool overlong;		/* discarding the rest of a too-long line */
	char line[CONTROL_LINE_MAX];
};

int control_listen(const char *path, const struct emu_log *log)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old_mask;
	int fd, ret;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		emu_info(log, "control socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(addr.sun_path, path);
	/* replace a socket left by a crash, but never any other file */
	if (!lstat(path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			emu_info(log, "%s exists and is not a socket", path);
			return -EEXIST;
		}
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	old_mask = umask(0177);	/* owner only: it steers a biometric sensor */
	ret = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old_mask);
	if (ret || listen(fd, CONTROL_MAX_CLIENTS)) {
		ret = -errno;
		emu_info(log, "cannot listen on %s: %s", path, strerror(errno));
		close(fd);
		return ret;
	}
	emu_info(log, "control socket %s", path);
	return fd;
}

/* Words of a command line, with 1-based columns for error messages. */
struct control_words {
	unsigned int count;
	const char *s[4];
	size_t len[4];
	unsigned int column[4];
};

static void split_words(const char *line, size_t len,
			struct control_words *w)
{
	size_t pos = 0, start;

	w->count = 0;
	while (pos < len && w->count < 4) {
		if (line[pos] == ' ' || line[pos] == '\t') {
			pos++;
			continue;
		}
		if (line[pos] == '#')
			break;
		start = pos;
		while (pos < len && line[pos] != ' ' && line[pos] != '\t')
			pos++;
		w->s[w->count] = line + start;
		w->len[w->count] = pos - start;
		w->column[w->count] = (unsigned int)start + 1;
		w->count++;
	}
}

static bool word_is(const struct control_words *w, unsigned int i,
		    const char *text)
{
	return i < w->count && w->len[i] == strlen(text) &&
	       !memcmp(w->s[i], text, w->len[i]);
}

static int parse_count(const struct control_words *w, unsigned int i,
		       uint32_t *out)
{
	uint64_t v = 0;
	size_t k;

	if (i >= w->count || !w->len[i])
		return -EINVAL;
	for (k = 0; k < w->len[i]; k++) {
		if (w->s[i][k] < '0' || w->s[i][k] > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(w->s[i][k] - '0');
		if (v > UINT32_MAX)
			return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

static const struct {
	const char *name;
	uint32_t bit;
} control_faults[] = {
	{ "overtemp", PALMVEIN_FAULT_LED_OVERTEMP },
	{ "led-open", PALMVEIN_FAULT_LED_OPEN },
	{ "led-short", PALMVEIN_FAULT_LED_SHORT },
	{ "sensor", PALMVEIN_FAULT_SENSOR },
};

/* Lock held. Column of the missing word: just past the line's text. */
static void control_fault(struct emu *emu, const struct control_words *w,
			  size_t len, char *reply, size_t size)
{
	unsigned int i, end = (unsigned int)len + 1;
	bool on;

	if (w->count < 2) {
		snprintf(reply, size, "error: 1:%u: expected a fault name", end);
		return;
	}
	for (i = 0; i < sizeof(control_faults) / sizeof(control_faults[0]); i++)
		if (word_is(w, 1, control_faults[i].name))
			break;
	if (i == sizeof(control_faults) / sizeof(control_faults[0])) {
		snprintf(reply, size, "error: 1:%u: unknown fault '%.*s'",
			 w->column[1], (int)w->len[1], w->s[1]);
		return;
	}
	if (!word_is(w, 2, "on") && !word_is(w, 2, "off")) {
		snprintf(reply, size, "error: 1:%u: expected on or off",
			 w->count > 2 ? w->column[2] : end);
		return;
	}
	if (w->count > 3) {
		snprintf(reply, size, "error: 1:%u: unexpected '%.*s'",
			 w->column[3], (int)w->len[3], w->s[3]);
		return;
	}
	on = word_is(w, 2, "on");
	if (on)
		emu->fw.injected_faults |= control_faults[i].bit;
	else
		emu->fw.injected_faults &= ~control_faults[i].bit;
	emu_info(&emu->log, "fault %s forced %s", control_faults[i].name,
		 on ? "on" : "off");
	snprintf(reply, size, "ok");
}

static void control_every(struct emu *emu, const struct control_words *w,
			  size_t len, uint32_t *every, char *reply, size_t size)
{
	uint32_t n;

	if (parse_count(w, 1, &n)) {
		snprintf(reply, size, "error: 1:%u: expected a frame count (0 = off)",
			 w->count > 1 ? w->column[1] : (unsigned int)len + 1);
		return;
	}
	if (w->count > 2) {
		snprintf(reply, size, "error: 1:%u: unexpected '%.*s'",
			 w->column[2], (int)w->len[2], w->s[2]);
		return;
	}
	*every = n;
	emu_info(&emu->log, "%.*s %u", (int)w->len[0], w->s[0], n);
	snprintf(reply, size, "ok");
}

static void control_status(struct emu *emu, char *reply, size_t size)
{
	snprintf(reply, size,
		 "ok enabled=%d streaming=%d mode=%u sent=%u dropped=%u "
		 "corrupted=%u truncated=%u distance=%u temp=%.1f faults=0x%02x",
		 emu->enabled, emu->fw.streaming, emu->fw.mode,
		 emu->fw.frames_sent, emu->fw.frames_dropped,
		 emu->frames_corrupted, emu->frames_truncated,
		 emu->fw.distance_mm, emu->fw.led_temp_c, fw_faults(&emu->fw));
}

void control_execute(struct emu *emu, const char *line, size_t len,
		     char *reply, size_t reply_size)
{
	struct control_words w;
	struct scn_error err;
	uint64_t now;
	int ret;

	split_words(line, len, &w);
	pthread_mutex_lock(&emu->lock);
	if (!w.count) {
		snprintf(reply, reply_size, "ok");
	} else if (word_is(&w, 0, "status") && w.count == 1) {
		control_status(emu, reply, reply_size);
	} else if (word_is(&w, 0, "corrupt-every")) {
		control_every(emu, &w, len, &emu->corrupt_every, reply,
			      reply_size);
	} else if (word_is(&w, 0, "truncate-every")) {
		control_every(emu, &w, len, &emu->truncate_every, reply,
			      reply_size);
	} else if (word_is(&w, 0, "fault")) {
		control_fault(emu, &w, len, reply, reply_size);
	} else {
		now = emu_monotonic_us();
		ret = scn_apply_live(&emu->timeline,
				     emu_scene_time(emu, now), line, len, &err);
		if (!ret) {
			emu->timeline_origin_us = now;
			emu_info(&emu->log, "live: %.*s", (int)len, line);
			snprintf(reply, reply_size, "ok");
		} else if (ret == -EINVAL) {
			snprintf(reply, reply_size, "error: %u:%u: %s",
				 err.line, err.column, err.message);
		} else {
			snprintf(reply, reply_size, "error: 1:1: %s",
				 strerror(-ret));
		}
	}
	pthread_mutex_unlock(&emu->lock);
}

static void client_reply(struct control_client *c, const char *reply)
{
	char buf[CONTROL_REPLY_MAX + 2];
	int n = snprintf(buf, sizeof(buf), "%s\n", reply);

	/* a client that stopped reading loses its reply, not our service */
	(void)!send(c->fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* Returns false when the client hung up. */
static bool client_read(struct emu *emu, struct control_client *c)
{
	char reply[CONTROL_REPLY_MAX], chunk[512];
	ssize_t n = recv(c->fd, chunk, sizeof(chunk), 0);
	ssize_t i;

	if (n <= 0)
		return n < 0 && errno == EINTR;
	for (i = 0; i < n; i++) {
		if (chunk[i] != '\n') {
			if (c->used < sizeof(c->line))
				c->line[c->used++] = chunk[i];
			else
				c->overlong = true;
			continue;
		}
		if (c->overlong)
			snprintf(reply, sizeof(reply),
				 "error: 1:%zu: line longer than %d bytes",
				 sizeof(c->line) + 1, CONTROL_LINE_MAX);
		else
			control_execute(emu, c->line, c->used, reply,
					sizeof(reply));
		client_reply(c, reply);
		c->used = 0;
		c->overlong = false;
	}
	return true;
}

static bool peer_allowed(struct emu *emu, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return false;
	if (cred.uid == 0 || cred.uid == geteuid())
		return true;
	emu_info(&emu->log, "control: refused uid %u", (unsigned int)cred.uid);
	return false;
}

static void control_accept(struct emu *emu, struct control_client *clients,
			   unsigned int *count)
{
	int fd = accept4(emu->control_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (*count == CONTROL_MAX_CLIENTS || !peer_allowed(emu, fd)) {
		close(fd);
		return;
	}
	memset(&clients[*count], 0, sizeof(clients[0]));
	clients[*count].fd = fd;
	(*count)++;
	emu_debug(&emu->log, "control: client connected");
}

static bool control_stopping(struct emu *emu)
{
	bool stopping;

	pthread_mutex_lock(&emu->lock);
	stopping = emu->stopping;
	pthread_mutex_unlock(&emu->lock);
	return stopping;
}

void *emu_control_main(void *arg)
{
	struct control_client *clients;
	struct pollfd pfd[CONTROL_MAX_CLIENTS + 1];
	struct emu *emu = arg;
	unsigned int count = 0, i;

	clients = calloc(CONTROL_MAX_CLIENTS, sizeof(*clients));
	if (!clients) {
		emu_info(&emu->log, "control: out of memory");
		emu_thread_exit(&emu->control_thread);
		return NULL;
	}
	while (!control_stopping(emu)) {
		pfd[0].fd = emu->control_fd;
		pfd[0].events = POLLIN;
		for (i = 0; i < count; i++) {
			pfd[i + 1].fd = clients[i].fd;
			pfd[i + 1].events = POLLIN;
		}
		if (poll(pfd, count + 1, -1) < 0)
			continue;	/* EINTR: a kick to check stopping */
		for (i = count; i > 0; i--) {
			if (!pfd[i].revents || client_read(emu, &clients[i - 1]))
				continue;
			close(clients[i - 1].fd);
			clients[i - 1] = clients[count - 1];
			count--;
		}
		if (pfd[0].revents & POLLIN)
			control_accept(emu, clients, &count);
	}
	for (i = 0; i < count; i++)
		close(clients[i].fd);
	free(clients);
	emu_thread_exit(&emu->control_thread);
	return NULL;
}
