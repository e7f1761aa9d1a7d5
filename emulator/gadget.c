// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * configfs + FunctionFS plumbing. Order matters: FunctionFS must have its
 * descriptors before the UDC name is written, or binding fails with ENODEV.
 */
#include "gadget.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/palmvein.h>

#include "descriptors.h"

#define CONFIGFS_ROOT	"/sys/kernel/config"
#define GADGETS_DIR	CONFIGFS_ROOT "/usb_gadget"
#define RUN_DIR		"/run/palmvein-emu"
#define CONFIG_NAME	"c.1"
#define LANG_DIR	"strings/0x409"

#ifndef CONFIGFS_MAGIC
#define CONFIGFS_MAGIC 0x62656570
#endif
#ifndef FUNCTIONFS_MAGIC
#define FUNCTIONFS_MAGIC 0xa647361
#endif

/* "@a/@b" into @out; false when it does not fit (then nothing is done) */
static bool join_path(char *out, size_t size, const char *a, const char *b)
{
	int n = snprintf(out, size, "%s/%s", a, b);

	return n > 0 && (size_t)n < size;
}

static int write_file(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
	close(fd);
	return ret;
}

static int gadget_write(struct gadget *g, const char *rel, const char *text)
{
	char path[PATH_MAX + 64];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", g->dir, rel);
	ret = write_file(path, text);
	if (ret)
		emu_info(g->log, "cannot write '%s' to %s: %s", text, path,
			 strerror(-ret));
	return ret;
}

static int gadget_mkdir(struct gadget *g, const char *rel)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s%s%s", g->dir, *rel ? "/" : "", rel);
	if (mkdir(path, 0755) && errno != EEXIST) {
		int ret = -errno;

		emu_info(g->log, "cannot create %s: %s", path, strerror(errno));
		return ret;
	}
	return 0;
}

static bool is_fs(const char *path, long magic)
{
	struct statfs sfs;

	return !statfs(path, &sfs) && sfs.f_type == magic;
}

static int mkdir_p(const char *path)
{
	char tmp[PATH_MAX];
	char *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static int ensure_configfs(const struct emu_log *log)
{
	if (!is_fs(CONFIGFS_ROOT, CONFIGFS_MAGIC) &&
	    mount("none", CONFIGFS_ROOT, "configfs", 0, NULL)) {
		int ret = -errno;

		emu_info(log, "cannot mount configfs on %s: %s (is configfs "
			 "built or loaded?)", CONFIGFS_ROOT, strerror(errno));
		return ret;
	}
	if (access(GADGETS_DIR, F_OK)) {
		emu_info(log, "%s missing: load libcomposite and usb_f_fs",
			 GADGETS_DIR);
		return -ENODEV;
	}
	return 0;
}

/* Keeps [A-Za-z0-9] and maps the rest to '_': valid in every name we make */
static void sanitize(const char *in, char *out, size_t size)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < size; i++) {
		char c = in[i];

		out[i] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9')) ? c : '_';
	}
	out[i] = '\0';
}

void gadget_default_serial(const char *udc, char *serial, size_t size)
{
	char clean[GADGET_NAME_MAX];
	size_t len;

	sanitize(udc, clean, sizeof(clean));
	len = strlen(clean);
	/* "PV" + the tail of the UDC name keeps instances apart */
	snprintf(serial, size, "PV%s", len > 14 ? clean + len - 14 : clean);
}

/* Removes every symlink in a configfs config directory. */
static void unlink_functions(const char *config_dir)
{
	char path[PATH_MAX + 300];
	struct dirent *de;
	struct stat st;
	DIR *dir;

	dir = opendir(config_dir);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (join_path(path, sizeof(path), config_dir, de->d_name) &&
		    !lstat(path, &st) && S_ISLNK(st.st_mode))
			unlink(path);
	}
	closedir(dir);
}

static void rmdir_rel(const char *base, const char *rel)
{
	char path[PATH_MAX + 300];

	if (join_path(path, sizeof(path), base, rel))
		rmdir(path);
}

/* Removes a gadget directory tree the way configfs wants: leaves first. */
static void remove_gadget_tree(const struct gadget *g)
{
	char path[PATH_MAX + 300];
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/configs/%s", g->dir, CONFIG_NAME);
	unlink_functions(path);
	rmdir_rel(path, LANG_DIR);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/functions", g->dir);
	dir = opendir(path);
	if (dir) {
		while ((de = readdir(dir)))
			if (de->d_name[0] != '.')
				rmdir_rel(path, de->d_name);
		closedir(dir);
	}
	rmdir_rel(g->dir, LANG_DIR);
	if (rmdir(g->dir) && errno != ENOENT)
		emu_info(g->log, "cannot remove %s: %s", g->dir,
			 strerror(errno));
}

static void unbind(struct gadget *g)
{
	char path[PATH_MAX + 8];

	snprintf(path, sizeof(path), "%s/UDC", g->dir);
	/* "\n" detaches; a gadget that is not bound refuses it harmlessly */
	write_file(path, "\n");
}

/* A previous run that crashed left its gadget or mount behind. */
static void remove_stale(struct gadget *g)
{
	if (is_fs(g->mount, FUNCTIONFS_MAGIC)) {
		emu_info(g->log, "removing stale FunctionFS mount %s", g->mount);
		unbind(g);
		umount2(g->mount, MNT_DETACH);
	}
	if (!access(g->dir, F_OK)) {
		emu_info(g->log, "removing stale gadget %s", g->dir);
		unbind(g);
		remove_gadget_tree(g);
	}
}

static int write_all(int fd, const void *buf, size_t len)
{
	ssize_t n = write(fd, buf, len);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static int open_endpoints(struct gadget *g)
{
	char path[PATH_MAX + 16];
	const void *blob;
	size_t len;
	int ret;

	snprintf(path, sizeof(path), "%s/ep0", g->mount);
	g->ep0 = open(path, O_RDWR | O_CLOEXEC);
	if (g->ep0 < 0) {
		ret = -errno;
		emu_info(g->log, "cannot open %s: %s", path, strerror(errno));
		return ret;
	}
	blob = desc_functionfs_descriptors(&len);
	ret = write_all(g->ep0, blob, len);
	if (!ret) {
		blob = desc_functionfs_strings(&len);
		ret = write_all(g->ep0, blob, len);
	}
	if (ret) {
		emu_info(g->log, "FunctionFS refused descriptors: %s",
			 strerror(-ret));
		return ret;
	}
	snprintf(path, sizeof(path), "%s/" DESC_EP_FRAMES_FILE, g->mount);
	g->ep_frames = open(path, O_RDWR | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/" DESC_EP_EVENTS_FILE, g->mount);
	g->ep_events = open(path, O_RDWR | O_CLOEXEC);
	if (g->ep_frames < 0 || g->ep_events < 0) {
		ret = -errno;
		emu_info(g->log, "cannot open endpoint files in %s: %s",
			 g->mount, strerror(errno));
		return ret;
	}
	return 0;
}

/* IDs and strings the host reads while enumerating. */
static int write_identity(struct gadget *g, const char *serial)
{
	char vid[8], pid[8], bcd[8];
	const struct {
		const char *rel, *text;
	} attrs[] = {
		{ "idVendor", vid },
		{ "idProduct", pid },
		{ "bcdDevice", bcd },
		{ LANG_DIR "/manufacturer", "palmvein" },
		{ LANG_DIR "/product", "palmvein NIR palm-vein sensor (emulated)" },
		{ LANG_DIR "/serialnumber", serial },
		{ "configs/" CONFIG_NAME "/MaxPower", "500" },
		{ "configs/" CONFIG_NAME "/" LANG_DIR "/configuration", "palmvein" },
	};
	size_t i;
	int ret;

	snprintf(vid, sizeof(vid), "0x%04x", PALMVEIN_USB_VID);
	snprintf(pid, sizeof(pid), "0x%04x", PALMVEIN_USB_PID);
	snprintf(bcd, sizeof(bcd), "0x%04x", PALMVEIN_PROTO_VERSION);
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		ret = gadget_write(g, attrs[i].rel, attrs[i].text);
		if (ret)
			return ret;
	}
	return 0;
}

static int create_configfs_tree(struct gadget *g, const char *serial,
				enum gadget_speed speed)
{
	char text[64], link_target[PATH_MAX + 64], link_path[PATH_MAX + 64];
	int ret;

	ret = gadget_mkdir(g, "");
	if (!ret)
		ret = gadget_mkdir(g, LANG_DIR);
	if (!ret)
		ret = gadget_mkdir(g, "configs/" CONFIG_NAME);
	if (!ret)
		ret = gadget_mkdir(g, "configs/" CONFIG_NAME "/" LANG_DIR);
	if (ret)
		return ret;
	ret = write_identity(g, serial);
	if (ret)
		return ret;
	/* max_speed exists on every kernel we support; older ones lack it */
	if (gadget_write(g, "max_speed", speed == GADGET_SPEED_SUPER ?
			 "super-speed" : "high-speed"))
		emu_info(g->log, "running at the UDC's own maximum speed");

	snprintf(text, sizeof(text), "functions/ffs.%s", g->instance);
	ret = gadget_mkdir(g, text);
	if (ret) {
		emu_info(g->log, "is usb_f_fs loaded?");
		return ret;
	}
	snprintf(link_target, sizeof(link_target), "%s/functions/ffs.%s",
		 g->dir, g->instance);
	snprintf(link_path, sizeof(link_path), "%s/configs/%s/ffs.%s", g->dir,
		 CONFIG_NAME, g->instance);
	if (symlink(link_target, link_path)) {
		ret = -errno;
		emu_info(g->log, "cannot link function into config: %s",
			 strerror(errno));
		return ret;
	}
	return 0;
}

int gadget_create(struct gadget *g, const char *udc, const char *serial,
		  enum gadget_speed speed, const struct emu_log *log)
{
	char clean[GADGET_NAME_MAX - 4];
	int ret;

	memset(g, 0, sizeof(*g));
	g->log = log;
	g->ep0 = g->ep_frames = g->ep_events = -1;
	if (strlen(udc) >= sizeof(g->udc)) {
		emu_info(log, "UDC name too long: %s", udc);
		return -ENAMETOOLONG;
	}
	snprintf(g->udc, sizeof(g->udc), "%s", udc);
	sanitize(udc, clean, sizeof(clean));
	snprintf(g->instance, sizeof(g->instance), "pv_%s", clean);
	snprintf(g->dir, sizeof(g->dir), GADGETS_DIR "/palmvein_%s", clean);
	snprintf(g->mount, sizeof(g->mount), RUN_DIR "/%s", g->instance);

	ret = ensure_configfs(log);
	if (ret)
		return ret;
	remove_stale(g);
	ret = create_configfs_tree(g, serial, speed);
	if (ret)
		goto fail;
	ret = mkdir_p(g->mount);
	if (ret) {
		emu_info(log, "cannot create %s: %s", g->mount, strerror(-ret));
		goto fail;
	}
	if (mount(g->instance, g->mount, "functionfs", 0, NULL)) {
		ret = -errno;
		emu_info(log, "cannot mount functionfs '%s' on %s: %s",
			 g->instance, g->mount, strerror(errno));
		goto fail;
	}
	g->mounted = true;
	ret = open_endpoints(g);
	if (ret)
		goto fail;
	emu_info(log, "gadget %s ready, FunctionFS at %s", g->dir, g->mount);
	return 0;
fail:
	gadget_destroy(g);
	return ret;
}

int gadget_bind(struct gadget *g)
{
	int ret = gadget_write(g, "UDC", g->udc);

	if (ret)
		return ret;
	g->bound = true;
	emu_info(g->log, "bound to UDC %s", g->udc);
	return 0;
}

void gadget_unbind(struct gadget *g)
{
	if (!g->bound)
		return;
	unbind(g);
	g->bound = false;
	emu_info(g->log, "unbound from UDC %s", g->udc);
}

void gadget_destroy(struct gadget *g)
{
	gadget_unbind(g);
	if (g->ep_events >= 0)
		close(g->ep_events);
	if (g->ep_frames >= 0)
		close(g->ep_frames);
	if (g->ep0 >= 0)
		close(g->ep0);
	g->ep0 = g->ep_frames = g->ep_events = -1;
	if (g->mounted) {
		if (umount(g->mount))
			emu_info(g->log, "cannot unmount %s: %s", g->mount,
				 strerror(errno));
		g->mounted = false;
	}
	rmdir(g->mount);
	remove_gadget_tree(g);
}
