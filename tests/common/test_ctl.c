#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "ctl.h"

static void
handler(int argc, char **argv, struct strbuf *out, void *arg)
{
	if (strcmp(argv[0], "echo") == 0) {
		sb_puts(out, "{\"args\": [");
		for (int i = 1; i < argc; i++) {
			sb_puts(out, i > 1 ? ", " : "");
			sb_json_str(out, argv[i]);
		}
		sb_puts(out, "]}");
		return;
	}
	ctl_reply_error(out, "unknown command");
}

struct call {
	char path[108];
	char *reply[2];
	int rc[2];
	struct ev_loop *loop;
};

static void *
client(void *p)
{
	struct call *c = p;

	c->rc[0] = ctl_call(c->path, "echo a \"b", &c->reply[0], 2000);
	c->rc[1] = ctl_call(c->path, "nosuch", &c->reply[1], 2000);
	return NULL;
}

static void
stop(struct ev_loop *loop, struct ev_timer *t)
{
	ev_break(loop);
}

Test(ctl, request_line_in_json_out)
{
	struct call c = { 0 };
	struct ev_loop *loop = ev_loop_new();
	struct ev_timer t;
	struct ctl_server *srv;
	pthread_t th;

	snprintf(c.path, sizeof(c.path), "/tmp/anylab-test-ctl-%d.sock", getpid());
	srv = ctl_listen(loop, c.path, handler, NULL);
	cr_assert_not_null(srv);
	pthread_create(&th, NULL, client, &c);
	ev_timer_init(&t, stop, NULL);
	ev_timer_start(loop, &t, EV_MS(500));
	ev_run(loop);
	pthread_join(th, NULL);
	cr_assert_eq(c.rc[0], 0);
	cr_assert_str_eq(c.reply[0], "{\"args\": [\"a\", \"\\\"b\"]}\n");
	cr_assert_eq(c.rc[1], 0);
	cr_assert_str_eq(c.reply[1], "{\"error\": \"unknown command\"}\n");
	ctl_close(srv);
	cr_assert_neq(access(c.path, F_OK), 0, "ctl_close must remove the socket");
	free(c.reply[0]);
	free(c.reply[1]);
	ev_loop_free(loop);
}

/* Under umask 000 the socket is still its owner's alone (write = connect). */
Test(ctl, socket_mode_ignores_umask)
{
	struct ev_loop *loop = ev_loop_new();
	struct ctl_server *srv;
	char path[108];
	struct stat sb;
	mode_t old = umask(0);

	snprintf(path, sizeof(path), "/tmp/anylab-test-ctl-mode-%d.sock", getpid());
	srv = ctl_listen(loop, path, handler, NULL);
	umask(old);
	cr_assert_not_null(srv);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert(S_ISSOCK(sb.st_mode));
	cr_assert_eq(sb.st_mode & 0777, CTL_SOCKET_MODE, "mode %o", sb.st_mode & 0777);
	ctl_close(srv);
	ev_loop_free(loop);
}
