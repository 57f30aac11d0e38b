/*
 * BIRD control-socket client (bird_ctl.h): one connection per command, a
 * bounded read of one reply, its numbered lines turned back into the text
 * birdc would print.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "anylab.h"
#include "bird_ctl.h"
#include "emu_error.h"

static int bird_ctl_read(int fd, long long deadline_us, struct strbuf *raw, struct bird_reply *r);

static bool
is_code(const char *s, size_t len)
{
	if (len < 5)
		return len == 4 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
		    s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9';
	for (int i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return s[4] == ' ' || s[4] == '-';
}

long
bird_ctl_decode(const char *raw, size_t len, struct bird_reply *r)
{
	size_t off = 0;

	while (off < len && r->code < 0) {
		const char *line = raw + off, *nl = memchr(line, '\n', len - off);
		size_t n;

		if (nl == NULL)
			break;
		n = (size_t)(nl - line);
		if (n > 0 && line[0] == ' ') {
			sb_add(&r->text, line + 1, n - 1);
			sb_add(&r->text, "\n", 1);
		} else if (is_code(line, n)) {
			int code = (line[0] - '0') * 1000 + (line[1] - '0') * 100 +
			    (line[2] - '0') * 10 + (line[3] - '0');
			bool last = n == 4 || line[4] == ' ';

			/* "0000 " only ends a table: no line of its own. */
			if (!(last && code == 0 && n <= 5)) {
				if (n > 5)
					sb_add(&r->text, line + 5, n - 5);
				sb_add(&r->text, "\n", 1);
			}
			if (last)
				r->code = code;
		} else {
			return -1;
		}
		off += n + 1;
	}
	return (long)off;
}

bool
bird_ctl_failed(int code)
{
	return code >= 8000;
}

void
bird_reply_free(struct bird_reply *r)
{
	sb_free(&r->text);
	r->code = -1;
}

/* Read until one reply is complete; the bytes not yet decoded stay in raw. */
static int
bird_ctl_read(int fd, long long deadline_us, struct strbuf *raw, struct bird_reply *r)
{
	size_t done = 0;

	r->code = -1;
	while (r->code < 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = (deadline_us - emu_now_us()) / 1000;
		char buf[16384];
		ssize_t n;
		long used;

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&pfd, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return EMU_EPROTO; /* closed before the final line */
		if (raw->len + (size_t)n > BIRD_REPLY_MAX)
			return EMU_ETRUNC;
		sb_add(raw, buf, (size_t)n);
		if (raw->err)
			return -ENOMEM;
		used = bird_ctl_decode(raw->s + done, raw->len - done, r);
		if (used < 0)
			return EMU_EPROTO;
		done += (size_t)used;
	}
	return 0;
}

int
bird_ctl_call(const char *sock, const char *cmd, int timeout_ms, struct bird_reply *r)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	long long deadline = emu_now_us() + (long long)timeout_ms * 1000;
	struct strbuf raw = STRBUF_INIT, line = STRBUF_INIT;
	struct bird_reply hello = { STRBUF_INIT, -1 };
	size_t sent = 0;
	int fd, err;

	memset(r, 0, sizeof(*r));
	r->code = -1;
	if (strlen(sock) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		err = -errno;
		goto close_fd;
	}
	err = bird_ctl_read(fd, deadline, &raw, &hello);
	if (err == 0 && hello.code != 1)
		err = EMU_EPROTO; /* not BIRD's "0001 ... ready." */
	bird_reply_free(&hello);
	if (err < 0)
		goto close_fd;
	sb_reset(&raw);
	sb_printf(&line, "%s\n", cmd);
	while (sent < line.len) {
		ssize_t w = send(fd, line.s + sent, line.len - sent, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			err = -errno;
			goto free_line;
		}
		sent += (size_t)w;
	}
	err = bird_ctl_read(fd, deadline, &raw, r);
	if (err < 0)
		bird_reply_free(r);
free_line:
	sb_free(&line);
close_fd:
	sb_free(&raw);
	close(fd);
	return err;
}
