/*
 * A client of FRR's vty socket (frr_vty.h): connect, send commands ended by
 * NUL, read each answer up to its three NUL bytes and return code. Every
 * wait is bounded by the session's deadline; output is bounded too.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "anylab.h"
#include "emu_error.h"
#include "frr_vty.h"
#include "strbuf.h"

static int vty_wait(struct frr_vty *, short events);

int
frr_vty_open(struct frr_vty *v, const char *path, int timeout_ms)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t len = sizeof(int);
	int err, soerr = 0;

	v->fd = -1;
	v->deadline_us = emu_now_us() + (long long)timeout_ms * 1000;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	v->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (v->fd < 0)
		return -errno;
	if (connect(v->fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		return 0;
	if (errno != EINPROGRESS) {
		err = -errno;
		goto close_fd;
	}
	err = vty_wait(v, POLLOUT);
	if (err < 0)
		goto close_fd;
	if (getsockopt(v->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		err = -errno;
	else if (soerr != 0)
		err = -soerr;
	if (err < 0)
		goto close_fd;
	return 0;

close_fd:
	close(v->fd);
	v->fd = -1;
	return err;
}

void
frr_vty_close(struct frr_vty *v)
{
	if (v->fd >= 0)
		close(v->fd);
	v->fd = -1;
}

/* Wait until fd is ready for events or the deadline passes. */
static int
vty_wait(struct frr_vty *v, short events)
{
	for (;;) {
		struct pollfd pfd = { .fd = v->fd, .events = events };
		long long left = (v->deadline_us - emu_now_us()) / 1000;
		int n;

		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, (int)(left > 60000 ? 60000 : left));
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0)
			return 0;
	}
}

int
frr_vty_exec(struct frr_vty *v, const char *cmd, char **outp, int *rc)
{
	struct strbuf out = { 0 };
	size_t len = strlen(cmd) + 1, sent = 0;
	int err;

	*outp = NULL;
	*rc = -1;
	if (v->fd < 0)
		return -EBADF;
	while (sent < len) {
		ssize_t n = send(v->fd, cmd + sent, len - sent, MSG_NOSIGNAL);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if ((err = vty_wait(v, POLLOUT)) < 0)
				return err;
			continue;
		}
		if (n < 0)
			return -errno;
		sent += (size_t)n;
	}
	for (;;) {
		char buf[16384];
		const char *s;
		ssize_t n = recv(v->fd, buf, sizeof(buf), 0);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if ((err = vty_wait(v, POLLIN)) < 0)
				goto free_out;
			continue;
		}
		if (n < 0) {
			err = -errno;
			goto free_out;
		}
		if (n == 0) {
			err = EMU_EPROTO; /* closed before the end marker */
			goto free_out;
		}
		if (out.len + (size_t)n > FRR_VTY_OUT_MAX) {
			err = EMU_ETRUNC;
			goto free_out;
		}
		sb_add(&out, buf, (size_t)n);
		s = sb_str(&out);
		/* Output is text: the first NUL starts the end marker. */
		if (out.len >= 4 && s[out.len - 4] == '\0' && s[out.len - 3] == '\0' &&
		    s[out.len - 2] == '\0')
			break;
	}
	if (out.err) {
		err = -ENOMEM;
		goto free_out;
	}
	*rc = (unsigned char)out.s[out.len - 1];
	out.s[out.len - 4] = '\0';
	*outp = sb_steal(&out);
	return *outp != NULL ? 0 : -ENOMEM;

free_out:
	sb_free(&out);
	return err;
}

int
frr_vty_query(const char *path, const char *cmd, int timeout_ms, char **outp)
{
	struct frr_vty v;
	char *out = NULL;
	int err, rc;

	*outp = NULL;
	err = frr_vty_open(&v, path, timeout_ms);
	if (err < 0)
		return err;
	err = frr_vty_exec(&v, "enable", &out, &rc);
	free(out);
	out = NULL;
	if (err == 0 && rc != 0)
		err = EMU_EPROTO;
	if (err == 0)
		err = frr_vty_exec(&v, cmd, &out, &rc);
	frr_vty_close(&v);
	if (err < 0)
		return err;
	*outp = out;
	return rc == 0 ? 0 : EMU_EREFUSED;
}
