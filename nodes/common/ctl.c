/*
 * Control socket: one request line in, one JSON document out (see ctl.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "ctl.h"
#include "log.h"

struct ctl_client {
	struct ctl_server *srv;
	struct ev_io io;
	char line[CTL_LINE_MAX];
	size_t line_len;
	struct strbuf reply;
	size_t sent;
	struct ctl_client *next;
};

struct ctl_server {
	struct ev_loop *loop;
	struct ev_io io;
	char *path;
	ctl_handler handler;
	void *arg;
	struct ctl_client *clients;
};

static void ctl_accept(struct ev_loop *, struct ev_io *, uint32_t);
static void ctl_client_event(struct ev_loop *, struct ev_io *, uint32_t);
static void ctl_client_free(struct ctl_client *);
static void ctl_dispatch(struct ctl_client *);

struct ctl_server *
ctl_listen(struct ev_loop *loop, const char *path, ctl_handler handler, void *arg)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct ctl_server *srv;
	int fd, saved, r;
	mode_t old;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	unlink(path);
	/*
	 * Whoever may write the socket may connect and command the daemon:
	 * root alone, whatever umask the daemon was started with. The umask
	 * makes it so from the bind on (no moment with a wider mode); chmod
	 * says it again for the record.
	 */
	old = umask(0177);
	r = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (r < 0)
		goto close_fd;
	if (chmod(path, CTL_SOCKET_MODE) < 0 || listen(fd, 16) < 0)
		goto unlink_path;
	srv = calloc(1, sizeof(*srv));
	if (srv == NULL)
		goto unlink_path;
	srv->path = strdup(path);
	srv->loop = loop;
	srv->handler = handler;
	srv->arg = arg;
	ev_io_init(&srv->io, fd, ctl_accept, srv);
	if (srv->path == NULL || ev_io_start(loop, &srv->io, EPOLLIN) < 0) {
		free(srv->path);
		free(srv);
		goto unlink_path;
	}
	return srv;

unlink_path:
	saved = errno;
	unlink(path);
	errno = saved;
close_fd:
	saved = errno;
	close(fd);
	errno = saved;
	return NULL;
}

void
ctl_close(struct ctl_server *srv)
{
	if (srv == NULL)
		return;
	while (srv->clients)
		ctl_client_free(srv->clients);
	ev_io_stop(srv->loop, &srv->io);
	close(srv->io.fd);
	unlink(srv->path);
	free(srv->path);
	free(srv);
}

static void
ctl_accept(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct ctl_server *srv = io->arg;

	for (;;) {
		struct ctl_client *c;
		int fd = accept4(io->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_err("control socket accept: %s", strerror(errno));
			return;
		}
		c = calloc(1, sizeof(*c));
		if (c == NULL) {
			close(fd);
			continue;
		}
		c->srv = srv;
		ev_io_init(&c->io, fd, ctl_client_event, c);
		if (ev_io_start(loop, &c->io, EPOLLIN) < 0) {
			close(fd);
			free(c);
			continue;
		}
		c->next = srv->clients;
		srv->clients = c;
	}
}

static void
ctl_client_free(struct ctl_client *c)
{
	struct ctl_client **pp;

	for (pp = &c->srv->clients; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	ev_io_stop(c->srv->loop, &c->io);
	close(c->io.fd);
	sb_free(&c->reply);
	free(c);
}

static void
ctl_dispatch(struct ctl_client *c)
{
	char *argv[CTL_MAX_ARGS + 1], *save = NULL, *tok;
	int argc = 0;

	for (tok = strtok_r(c->line, " \t\r", &save); tok && argc < CTL_MAX_ARGS;
	     tok = strtok_r(NULL, " \t\r", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	if (argc == 0)
		ctl_reply_error(&c->reply, "empty request");
	else
		c->srv->handler(argc, argv, &c->reply, c->srv->arg);
	if (c->reply.len == 0 || c->reply.s[c->reply.len - 1] != '\n')
		sb_puts(&c->reply, "\n");
	if (c->reply.err) {
		sb_reset(&c->reply);
		ctl_reply_error(&c->reply, "out of memory building the reply");
		sb_puts(&c->reply, "\n");
	}
	ev_io_modify(c->srv->loop, &c->io, EPOLLOUT);
}

static void
ctl_client_event(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct ctl_client *c = io->arg;
	ssize_t n;

	if (c->io.events & EPOLLIN) {
		char *nl;

		n = read(io->fd, c->line + c->line_len, sizeof(c->line) - 1 - c->line_len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			ctl_client_free(c);
			return;
		}
		c->line_len += (size_t)n;
		c->line[c->line_len] = '\0';
		nl = strchr(c->line, '\n');
		if (nl == NULL) {
			if (c->line_len < sizeof(c->line) - 1)
				return;
			ctl_reply_error(&c->reply, "request line too long");
			sb_puts(&c->reply, "\n");
			ev_io_modify(loop, &c->io, EPOLLOUT);
			return;
		}
		*nl = '\0';
		ctl_dispatch(c);
		return;
	}
	while (c->sent < c->reply.len) {
		n = send(io->fd, c->reply.s + c->sent, c->reply.len - c->sent, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			break;
		}
		c->sent += (size_t)n;
	}
	ctl_client_free(c);
}

void
ctl_reply_error(struct strbuf *out, const char *msg)
{
	sb_reset(out);
	sb_puts(out, "{\"error\": ");
	sb_json_str(out, msg);
	sb_puts(out, "}");
}

static int
remaining_ms(const struct timespec *deadline)
{
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (int)ms;
}

int
ctl_call(const char *path, const char *request, char **reply, int timeout_ms)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct strbuf sb = STRBUF_INIT;
	struct timespec deadline;
	size_t off = 0, len = strlen(request);
	int fd, err = 0;

	*reply = NULL;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		err = -errno;
		goto close_fd;
	}
	while (off < len || off == len) {
		const char *p = off < len ? request + off : "\n";
		size_t n = off < len ? len - off : 1;
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0) {
			err = -errno;
			goto close_fd;
		}
		if (off == len)
			break;
		off += (size_t)w;
	}
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char buf[8192];
		ssize_t r;
		int ms = remaining_ms(&deadline);

		if (ms == 0 || poll(&pfd, 1, ms) == 0) {
			err = -ETIMEDOUT;
			goto free_reply;
		}
		r = read(fd, buf, sizeof(buf));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto free_reply;
		}
		if (r == 0)
			break;
		sb_add(&sb, buf, (size_t)r);
	}
	if (sb.err) {
		err = -ENOMEM;
		goto free_reply;
	}
	*reply = sb_steal(&sb);
	close(fd);
	return 0;

free_reply:
	sb_free(&sb);
close_fd:
	close(fd);
	return err;
}
