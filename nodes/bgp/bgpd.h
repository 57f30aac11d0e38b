/*
 * anybgpd's daemon state: the one struct bgpd that main.c creates (the event
 * loop, the loaded configuration, the RIB, the peers, the kernel and control
 * interfaces) and struct bgp_peer, one per configured neighbour. The modules
 * (session.c, adv.c, kroute.c, control.c) each own the part of these structs
 * their comments name; nothing else is global.
 */
#ifndef ANYBGP_BGPD_H
#define ANYBGP_BGPD_H

#include <stdbool.h>
#include <stdint.h>

#include "bgp_attr.h"
#include "bgp_config.h"
#include "bgp_msg.h"
#include "evloop.h"
#include "fsm.h"
#include "rib.h"
#include "strbuf.h"

struct kroute;
struct ctl_server;
struct bfd;
struct bfd_session;
struct health;
struct origin;
struct damping;

/* One TCP connection of a peer (session.c). */
struct bgp_conn {
	int fd; /* -1 when none */
	struct ev_io io;
	bool connecting; /* non-blocking connect() in progress */
	bool outgoing;	 /* we opened it (collision resolution, RFC 4271 6.8) */
	bool open_sent;
	bool open_received;
	uint8_t *rbuf;
	size_t rlen;
	size_t rcap;
	uint8_t *wbuf;
	size_t wlen;
	size_t woff;
	size_t wcap;
	struct ipaddr local;
	struct ipaddr remote;
	struct bgp_open open; /* the peer's OPEN on this connection */
	struct bgp_peer *peer;
};

struct bgp_peer_stats {
	uint64_t msgs_in;
	uint64_t msgs_out;
	uint64_t updates_in;
	uint64_t updates_out;
	uint64_t notifications_in;
	uint64_t notifications_out;
	uint64_t keepalives_in;
	uint64_t keepalives_out;
	uint64_t refresh_in;
	uint64_t refresh_out;
	uint64_t prefixes_in; /* announced prefixes received */
	uint64_t withdrawals_in;
	uint64_t prefixes_out;
	uint64_t withdrawals_out;
	uint64_t rejected_in;	    /* by import policy */
	uint64_t treat_as_withdraw; /* RFC 7606 */
	uint64_t unnegotiated_in;   /* UPDATEs with NLRI of a family not in use */
	uint64_t nexthop_self_in;   /* routes ignored: NEXT_HOP is ours (RFC 4271 6.3) */
	uint64_t gtsm_refused;	    /* connections whose SYN's TTL was below 255 */
	uint32_t established;	    /* times */
	uint32_t flaps;		    /* times it left Established */
};

struct bgp_peer {
	struct bgpd *d;
	const struct bgp_peer_config *conf;
	char name[IPADDR_STRLEN + 8]; /* address, for logs */
	bool ebgp;
	struct bgp_fsm fsm;
	struct rib_source src;
	struct bgp_conn *conn;	  /* the FSM's connection, NULL when none */
	struct bgp_conn *pending; /* a second one during collision detection */
	struct ev_timer timers[BGP_TIMER_COUNT];
	struct bgp_peer_ctx ctx; /* negotiated, valid when Established */
	bool refresh;		 /* peer supports ROUTE-REFRESH */
	bool peer_gr;		 /* peer sent graceful restart: End-of-RIB expected */
	uint64_t last_update_us; /* ev_now at the last UPDATE received */
	uint32_t remote_id;
	uint32_t max_prefixes;
	uint64_t state_since_us;   /* ev_now at the last state change */
	uint64_t established_wall; /* unix seconds, 0 when not */
	char last_error[320];	   /* what ended the last session */
	char policy_note[160];	   /* RFC 8212 and similar */
	struct bgp_peer_stats st;
	/* Advertisement queue (adv.c): prefixes whose export may have changed. */
	struct prefix *advq;
	size_t advq_len;
	size_t advq_cap;
	size_t advq_pos;
	bool eor_pending[BGP_AF_COUNT];
	bool eor_sent[BGP_AF_COUNT];	 /* End-of-RIB sent this session (RFC 4724) */
	bool eor_received[BGP_AF_COUNT]; /* ... and received (or settled: session_in_sync) */
	/* Detectors (detect.h): per-peer state of the BFD detector. */
	struct bfd_session *bfd;
	bool bfd_enabled;
	bool bfd_strict; /* the session may not come up before BFD is Up */
	/* Why the automatic restart waits (shown with the back-off). */
	char backoff_reason[320];
	/* Import pipeline (import.c). */
	struct damping *damping;    /* NULL: no route flap damping */
	struct ev_timer damp_timer; /* the next reuse */
	uint8_t max_prefix_data[7]; /* RFC 4486 Cease data: AFI, SAFI, limit */
	bool max_prefix_down;	    /* Idle because the limit was exceeded */
	int last_af;		    /* family of the last route imported */
	bool unnegotiated_logged;   /* this session's first such UPDATE was logged */
};

struct bgpd {
	struct ev_loop *loop;
	struct bgp_config cfg;
	const char *config_path;
	cJSON *config_json; /* as loaded, for reload's comparison */
	const char *node;
	struct rib *rib;
	struct rib_source local; /* originated routes */
	struct bgp_peer **peers;
	size_t npeers;
	int listen_fd[2];
	struct ev_io listen_io[2];
	bool gtsm_save_syn[2]; /* the listener keeps SYNs: some of its peers have GTSM */
	struct kroute *kr;
	struct ctl_server *ctl;
	int flush_fd; /* eventfd: decision + FIB + adverts pending */
	struct ev_io flush_io;
	bool flush_armed;
	uint64_t start_us;
	uint64_t start_wall;
	bool shutting_down;
	struct ev_timer shutdown_timer; /* SIGTERM: withdrawn, waiting to close */
	/* Originated prefixes and why each is held back (origin.c). */
	struct origin *origins;
	size_t norigins;
	/* Detectors (detect.h). */
	struct bfd *bfd;
	struct health *health;
};

/* bgpd.c: start everything on loop (ctl_path may be NULL); stop: Cease, kernel routes out. */
int bgpd_start(struct bgpd *, struct ev_loop *, const char *ctl_path);
void bgpd_stop(struct bgpd *);

/* import.c: the import pipeline of UPDATEs from a peer. */
int import_peer_init(struct bgp_peer *); /* 0 or -1 (ENOMEM) */
void import_peer_free(struct bgp_peer *);
/*
 * One UPDATE from an Established peer, through the stages in order:
 * treat-as-withdraw decisions, withdrawals, import policy, damping, RIB.
 * -1: the message ends the session (err says how).
 */
int import_update(struct bgp_peer *, const uint8_t *msg, size_t len, struct bgp_err *err);
/*
 * The last stage: true when the peer's prefix limit is exceeded; the Cease
 * (RFC 4486 subcode 1, data AFI/SAFI + limit) is then set in the FSM for
 * BGP_EV_MAX_PREFIX and why holds the reason.
 */
bool import_max_prefixes(struct bgp_peer *, char *why, size_t whylen);
/* The session left Established: damping counts a withdrawal for each route. */
void import_peer_down(struct bgp_peer *);

/* session.c */
int session_init(struct bgpd *);
void session_shutdown(struct bgpd *); /* Cease to every peer, close */
void session_free(struct bgpd *);
/*
 * The path towards this peer is known dead (a detector said so): the session
 * goes down at once with Cease / subcode (RFC 9384's BFD Down for BFD).
 */
void session_path_down(struct bgp_peer *, uint8_t cease_subcode, const char *why);
/*
 * The path may work again (link up, BFD Up): connect now rather than at
 * ConnectRetry, and an automatic restart waiting out its back-off starts now.
 */
void session_path_up(struct bgp_peer *);
/* Every peer: Cease / Administrative Shutdown with an RFC 9003 message. */
void session_shutdown_msg(struct bgpd *, const char *msg);
/*
 * Established, nothing queued, End-of-RIB sent and received for every
 * family; from a peer without graceful restart (which need not send it),
 * BGP_NO_EOR_SETTLE_MS without an UPDATE stands in for its End-of-RIB.
 */
#define BGP_NO_EOR_SETTLE_MS 500
bool session_in_sync(const struct bgp_peer *);
/* Seconds the automatic restart still waits (0: none pending). */
double session_backoff_left(const struct bgp_peer *);
/* Frees connections closed since the last call (from the flush timer). */
void session_reap(void);
/* Sends ROUTE-REFRESH for every negotiated family (RFC 2918). 0 or -1. */
int session_request_refresh(struct bgp_peer *);
/* Queues an encoded message on the peer's connection. */
int session_send(struct bgp_peer *, const void *, size_t);
bool session_write_busy(const struct bgp_peer *);
struct bgp_peer *session_find_peer(struct bgpd *, const struct ipaddr *);
/* Schedules the decision process and the flush of kernel and adverts. */
void bgpd_schedule_flush(struct bgpd *);
/* Runs it now (a detector's report: acted on before the loop sleeps). */
void bgpd_flush_now(struct bgpd *);

/*
 * Every session Established and in sync, no work pending, every origin that
 * should be announced in the RIB: what `anylab up` waits for.
 */
bool bgpd_converged(struct bgpd *, const char **why);
/* SIGTERM: withdraw every origin, wait the configured moment, then Cease. */
void bgpd_graceful_stop(struct bgpd *);
/*
 * Re-reads the configuration file. Only "originate" may differ from the
 * running configuration: its changes are applied (prefixes announced and
 * withdrawn). 0, or -1 with the reason in why (nothing changed).
 */
int bgpd_reload(struct bgpd *, struct strbuf *why, struct strbuf *done);

#endif
