/*
 * The running lab's part of the picture: each BGP session's state as the
 * speakers on both ends report it (through their node kind's bgp_peers, so
 * BIRD, FRR or GoBGP as well as anybgpd), and which instance each client
 * reaches: one DNS query (RFC 1035 4.1; TXT for the identity record, NSID
 * of RFC 5001 asked as well) sent from a socket made in the client's
 * namespace to its first resolver, as the scenario probes do.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <cJSON.h>

#include "anylab.h"
#include "dns_msg.h"
#include "graph.h"
#include "kind.h"
#include "lab_node.h"

#define GRAPH_QNAME_DEFAULT "server.zone.tst"

static const cJSON *graph_peer_find(const cJSON *doc, const char *addr);
static void graph_session_state(struct graph_session *, cJSON *const *docs, const char *const *why,
    const struct topology *);
static int graph_query(const char *lab, const struct topo_node *, const struct graph_live_opts *,
    char *answer, size_t len);

/* The peer of a bgp_peers document whose address is addr. */
static const cJSON *
graph_peer_find(const cJSON *doc, const char *addr)
{
	struct ipaddr want, got;
	const cJSON *p;

	if (doc == NULL || addr[0] == '\0' || ipaddr_parse(addr, &want) < 0)
		return NULL;
	cJSON_ArrayForEach(p, cJSON_GetObjectItem(doc, "peers")) {
		const char *a = cJSON_GetStringValue(cJSON_GetObjectItem(p, "address"));

		if (a != NULL && ipaddr_parse(a, &got) == 0 && ipaddr_eq(&want, &got))
			return p;
	}
	return NULL;
}

static const char *
graph_peer_state(const cJSON *p)
{
	const char *s = p ? cJSON_GetStringValue(cJSON_GetObjectItem(p, "state")) : NULL;
	const char *norm = s ? kind_bgp_state_name(s) : NULL;

	return norm != NULL ? norm : s;
}

static void
graph_session_state(struct graph_session *s, cJSON *const *docs, const char *const *why,
    const struct topology *t)
{
	size_t ia = (size_t)(s->a - t->nodes);
	const char *sa = graph_peer_state(graph_peer_find(docs[ia], s->b_addr)), *sb = NULL;

	if (s->b != NULL)
		sb = graph_peer_state(graph_peer_find(docs[s->b - t->nodes], s->a_addr));
	if ((sa && strcmp(sa, "Established") == 0) || (sb && strcmp(sb, "Established") == 0)) {
		s->state = GRAPH_UP;
		snprintf(s->state_text, sizeof(s->state_text), "Established");
	} else if (sa != NULL || sb != NULL) {
		s->state = GRAPH_DOWN;
		snprintf(s->state_text, sizeof(s->state_text), "%s", sa ? sa : sb);
	} else {
		s->state = GRAPH_UNKNOWN;
		snprintf(s->state_text, sizeof(s->state_text), "%s",
		    why[ia] ? why[ia] : "not reported by the speaker");
	}
}

static int64_t
graph_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One TXT query from the client to its first resolver: the answer's text, or -errno. */
static int
graph_query(const char *lab, const struct topo_node *client, const struct graph_live_opts *o,
    char *answer, size_t len)
{
	struct dns_query_spec spec = DNS_QUERY_SPEC_INIT(o && o->qname ? o->qname :
									 GRAPH_QNAME_DEFAULT,
	    DNS_T_TXT);
	unsigned timeout = o && o->timeout_ms ? o->timeout_ms : 1000;
	unsigned tries = o && o->tries ? o->tries : 2;
	struct sockaddr_storage ss;
	uint8_t q[512], r[4096];
	unsigned slen;
	int fd, qlen, err = -ETIMEDOUT;

	spec.nsid = true;
	spec.edns = true;
	fd = lab_socket(lab, client->name, client->resolvers[0].family,
	    SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return fd;
	ipaddr_to_sockaddr(&client->resolvers[0], 53, &ss, &slen);
	if (connect(fd, (struct sockaddr *)&ss, slen) < 0) {
		err = -errno;
		goto close_fd;
	}
	for (unsigned t = 0; t < tries; t++) {
		int64_t end = graph_now_ms() + timeout;

		spec.id = (uint16_t)(getpid() + t * 7919 + (unsigned)end);
		qlen = dns_query_build(&spec, q, sizeof(q));
		if (qlen < 0) {
			err = -EINVAL;
			goto close_fd;
		}
		if (send(fd, q, (size_t)qlen, MSG_NOSIGNAL) < 0) {
			err = -errno;
			continue; /* no route: try again, then give up */
		}
		for (int64_t left = timeout; left > 0; left = end - graph_now_ms()) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			struct dns_msg m;
			ssize_t n;

			if (poll(&pfd, 1, (int)left) <= 0)
				break;
			n = recv(fd, r, sizeof(r), 0);
			if (n < 0) {
				err = -errno; /* ICMP unreachable: port closed */
				continue;
			}
			if (dns_msg_parse(r, (size_t)n, &m) != DNS_OK ||
			    !dns_msg_matches(&m, &spec))
				continue;
			answer[0] = '\0';
			dns_msg_first_txt(&m, answer, len);
			if (answer[0] == '\0')
				dns_edns_nsid_text(&m.edns, answer, len);
			err = answer[0] ? 0 : -ENOENT;
			goto close_fd;
		}
	}
close_fd:
	close(fd);
	return err;
}

void
graph_live(struct graph *g, const char *lab, const struct graph_live_opts *o)
{
	const struct topology *t = g->topo;
	cJSON **docs = emu_calloc(t->nnodes ? t->nnodes : 1, sizeof(*docs));
	const char **why = emu_calloc(t->nnodes ? t->nnodes : 1, sizeof(*why));

	g->live = true;
	snprintf(g->lab, sizeof(g->lab), "%s", lab);
	for (size_t i = 0; i < t->nnodes; i++) {
		struct kind_node k;

		if (t->nodes[i].bgp == NULL)
			continue;
		if (kind_node_get(lab, t, &t->nodes[i], "bgp", &k) < 0 ||
		    k.kind->bgp_peers == NULL) {
			why[i] = "no BGP kind";
			continue;
		}
		if (k.kind->bgp_peers(&k, &docs[i]) < 0) {
			docs[i] = NULL;
			why[i] = "speaker did not answer";
		}
	}
	for (size_t i = 0; i < g->nsessions; i++)
		graph_session_state(&g->sessions[i], docs, why, t);
	for (size_t i = 0; i < t->nnodes; i++)
		cJSON_Delete(docs[i]);
	free(docs);
	free(why);

	g->reach = emu_calloc(t->nnodes ? t->nnodes : 1, sizeof(*g->reach));
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		struct graph_reach *r;
		int err;

		if (graph_role(g, i) != TOPO_ROLE_CLIENT || n->nresolvers == 0)
			continue;
		r = &g->reach[g->nreach++];
		r->client = n;
		err = graph_query(lab, n, o, r->answer, sizeof(r->answer));
		if (err == -ENOENT)
			snprintf(r->error, sizeof(r->error), "answer without TXT or NSID");
		else if (err < 0)
			snprintf(r->error, sizeof(r->error), "%s",
			    err == -ETIMEDOUT ? "no answer" : strerror(-err));
		else
			r->instance = graph_instance_of(t, r->answer);
	}
}
