// SPDX-License-Identifier: LGPL-2.1-or-later
/* File I/O for palmctl: the library itself never touches files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "palmctl.h"

int read_file(const char *path, void **buf, size_t *len)
{
	struct stat st;
	size_t done = 0;
	char *data;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		goto out;
	}
	if ((unsigned long long)st.st_size > PALMCTL_MAX_FILE) {
		ret = -EFBIG;
		goto out;
	}
	/* +1 so that an empty file still gets a buffer. */
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		ret = -ENOMEM;
		goto out;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, data + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			explicit_bzero(data, done);
			free(data);
			goto out;
		}
		done += (size_t)n;
	}
	*buf = data;
	*len = done;
out:
	close(fd);
	return ret;
}

int write_file(const char *path, const void *buf, size_t len)
{
	const char *p = buf;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0 && !ret)
		ret = -errno;
	return ret;
}

int load_template(const char *path, struct pv_template *t)
{
	const char *reason = NULL;
	void *buf;
	size_t len;
	int ret;

	ret = read_file(path, &buf, &len);
	if (ret) {
		fprintf(stderr, "palmctl: %s: %s\n", path, strerror(-ret));
		return ret;
	}
	ret = pv_template_parse(buf, len, t, &reason);
	explicit_bzero(buf, len);
	free(buf);
	if (ret)
		fprintf(stderr, "palmctl: %s: %s\n", path,
			reason ? reason : strerror(-ret));
	return ret;
}
