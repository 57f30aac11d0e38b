/*
 * Reaching a lab and its nodes (lab_node.h): names, the lab name rule,
 * finding the lab a command means, node directories, the record's
 * topology, and entering a node's namespace.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "anylab.h"
#include "lab_node.h"
#include "log.h"
#include "netns.h"
#include "state.h"
#include "topo.h"

const char *
lab_ns_name(const char *lab, const char *node, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%s", lab, node);
	return buf;
}

const char *
lab_switch_ns_name(const char *lab, char *buf, size_t len)
{
	snprintf(buf, len, "%s.sw", lab);
	return buf;
}

bool
lab_name_valid(const char *name)
{
	return topo_lab_name_valid(name);
}

int
lab_find(const char *name, char *out, size_t len)
{
	char **names;
	size_t count;
	int err;

	if (name != NULL) {
		if (!lab_name_valid(name)) {
			emu_err("%s: not a lab name", name);
			return EMU_ENOLAB;
		}
		if (!state_exists(name)) {
			emu_err("lab %s is not up (no %s/%s)", name, emu_run_dir(), name);
			return EMU_ENOLAB;
		}
		snprintf(out, len, "%s", name);
		return 0;
	}
	err = state_list(&names, &count);
	if (err < 0) {
		emu_err("%s: %s", emu_run_dir(), emu_strerror(err));
		return err;
	}
	if (count == 1) {
		snprintf(out, len, "%s", names[0]);
		state_list_free(names, count);
		return 0;
	}
	if (count == 0) {
		emu_err("no lab is up");
	} else {
		fprintf(stderr, "anylab: %zu labs are up (", count);
		for (size_t i = 0; i < count; i++)
			fprintf(stderr, "%s%s", i ? ", " : "", names[i]);
		fprintf(stderr, "): name one\n");
	}
	state_list_free(names, count);
	return EMU_ENOLAB;
}

const struct topo_node *
lab_node_find(const char *lab, const struct topology *t, const char *name)
{
	const struct topo_node *n = topo_node_find(t, name);

	if (n == NULL)
		emu_err("lab %s has no node %s", lab, name);
	return n;
}

const char *
lab_node_dir(const char *lab, const char *node, char *buf, size_t len)
{
	return state_node_dir(lab, node, buf, len);
}

int
lab_node_dir_make(const char *lab, const char *node, char *buf, size_t len)
{
	state_node_dir(lab, node, buf, len);
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int
lab_topology(const char *lab, struct topology **t)
{
	char path[ANYLAB_PATH_MAX + 32], dir[ANYLAB_PATH_MAX];
	struct cfg_errors errs;

	snprintf(path, sizeof(path), "%s/topology.json", state_lab_dir(lab, dir, sizeof(dir)));
	if (topo_load(path, t, &errs) < 0) {
		cfg_errors_print(&errs, stderr);
		emu_err("lab %s: cannot read back its topology", lab);
		return EMU_ECONFIG;
	}
	return 0;
}

int
lab_enter(const char *lab, const char *node)
{
	char name[LAB_NS_MAX];
	int fd, err;

	fd = netns_open(lab_ns_name(lab, node, name, sizeof(name)));
	if (fd < 0)
		return fd;
	err = netns_enter(fd);
	close(fd);
	return err;
}

int
lab_run_in(const char *lab, const char *node, int (*fn)(void *), void *arg)
{
	int self, err, r;

	self = netns_open_self();
	if (self < 0)
		return self;
	err = lab_enter(lab, node);
	if (err < 0) {
		close(self);
		return err;
	}
	r = fn(arg);
	if (netns_enter(self) < 0)
		fatal("cannot return to the original network namespace: %s", strerror(errno));
	close(self);
	return r;
}

int
lab_socket(const char *lab, const char *node, int domain, int type, int protocol)
{
	char name[LAB_NS_MAX];
	int fd, s;

	fd = netns_open(lab_ns_name(lab, node, name, sizeof(name)));
	if (fd < 0)
		return fd;
	s = netns_socket(fd, domain, type, protocol);
	close(fd);
	return s;
}

pid_t
lab_spawn(const char *lab, const char *node, char *const argv[])
{
	char name[LAB_NS_MAX];
	pid_t pid;
	int err;

	lab_ns_name(lab, node, name, sizeof(name));
	if (!netns_exists(name))
		return -ENOENT;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0)
		return pid;
	err = netns_enter_exec(name);
	if (err < 0) {
		emu_err("entering %s: %s", name, strerror(-err));
		_exit(EXIT_EXEC_FAIL);
	}
	execvp(argv[0], argv);
	err = errno;
	emu_err("%s: %s", argv[0], strerror(err));
	_exit(err == ENOENT ? EXIT_EXEC_NOTFOUND : EXIT_EXEC_NOEXEC);
}
