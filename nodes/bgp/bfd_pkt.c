/*
 * BFD Control packets (RFC 5880 4.1) and the packet-only reception checks of
 * RFC 5880 6.8.6 (see bfd_pkt.h).
 */
#include <string.h>

#include "bfd_pkt.h"

/* Octet 1: Sta (2 bits) then P F C A D M. */
#define BFD_FLAG_P 0x20
#define BFD_FLAG_F 0x10
#define BFD_FLAG_C 0x08
#define BFD_FLAG_A 0x04
#define BFD_FLAG_D 0x02
#define BFD_FLAG_M 0x01

static const char *const state_names[BFD_STATE_COUNT] = {
	[BFD_ADMIN_DOWN] = "AdminDown",
	[BFD_DOWN] = "Down",
	[BFD_INIT] = "Init",
	[BFD_UP] = "Up",
};

static const char *const diag_names[BFD_DIAG_COUNT] = {
	[BFD_DIAG_NONE] = "No Diagnostic",
	[BFD_DIAG_TIME_EXPIRED] = "Control Detection Time Expired",
	[BFD_DIAG_ECHO_FAILED] = "Echo Function Failed",
	[BFD_DIAG_NEIGHBOR_DOWN] = "Neighbor Signaled Session Down",
	[BFD_DIAG_FWD_RESET] = "Forwarding Plane Reset",
	[BFD_DIAG_PATH_DOWN] = "Path Down",
	[BFD_DIAG_CONCAT_PATH_DOWN] = "Concatenated Path Down",
	[BFD_DIAG_ADMIN_DOWN] = "Administratively Down",
	[BFD_DIAG_REV_CONCAT_PATH_DOWN] = "Reverse Concatenated Path Down",
};

static const char *const err_names[BFD_PKT_ERR_COUNT] = {
	[BFD_PKT_OK] = "ok",
	[BFD_PKT_SHORT] = "shorter than 24 octets",
	[BFD_PKT_VERSION] = "version not 1",
	[BFD_PKT_LENGTH] = "bad Length",
	[BFD_PKT_TRUNCATED] = "Length beyond the payload",
	[BFD_PKT_DETECT_MULT] = "Detect Mult zero",
	[BFD_PKT_MULTIPOINT] = "M bit set",
	[BFD_PKT_MY_DISC] = "My Discriminator zero",
	[BFD_PKT_YOUR_DISC] = "Your Discriminator zero outside Down",
	[BFD_PKT_POLL_FINAL] = "both Poll and Final",
	[BFD_PKT_AUTH] = "authentication not configured",
};

const char *
bfd_state_name(enum bfd_state s)
{
	return (unsigned)s < BFD_STATE_COUNT ? state_names[s] : "?";
}

const char *
bfd_diag_name(unsigned d)
{
	return d < BFD_DIAG_COUNT ? diag_names[d] : "Reserved";
}

const char *
bfd_pkt_err_name(enum bfd_pkt_err e)
{
	return (unsigned)e < BFD_PKT_ERR_COUNT ? err_names[e] : "?";
}

enum bfd_pkt_err
bfd_ctrl_decode(const void *buf, size_t len, struct bfd_ctrl *c)
{
	struct wire_rd rd, auth;
	uint8_t vd, flags;

	memset(c, 0, sizeof(*c));
	wire_rd_init(&rd, buf, len);
	vd = wire_u8(&rd);
	flags = wire_u8(&rd);
	c->detect_mult = wire_u8(&rd);
	c->length = wire_u8(&rd);
	c->my_disc = wire_u32(&rd);
	c->your_disc = wire_u32(&rd);
	c->desired_min_tx = wire_u32(&rd);
	c->required_min_rx = wire_u32(&rd);
	c->required_min_echo_rx = wire_u32(&rd);
	c->diag = vd & 0x1f;
	c->state = (enum bfd_state)(flags >> 6);
	c->poll = flags & BFD_FLAG_P;
	c->final = flags & BFD_FLAG_F;
	c->cpi = flags & BFD_FLAG_C;
	c->auth = flags & BFD_FLAG_A;
	c->demand = flags & BFD_FLAG_D;
	c->multipoint = flags & BFD_FLAG_M;
	if (rd.err != WIRE_OK)
		return BFD_PKT_SHORT;

	if (vd >> 5 != BFD_VERSION)
		return BFD_PKT_VERSION;
	if (c->length < (c->auth ? BFD_CTRL_AUTH_MIN : BFD_CTRL_LEN))
		return BFD_PKT_LENGTH;
	if (c->length > len)
		return BFD_PKT_TRUNCATED;
	if (c->detect_mult == 0)
		return BFD_PKT_DETECT_MULT;
	if (c->multipoint)
		return BFD_PKT_MULTIPOINT;
	if (c->my_disc == 0)
		return BFD_PKT_MY_DISC;
	if (c->your_disc == 0 && c->state != BFD_DOWN && c->state != BFD_ADMIN_DOWN)
		return BFD_PKT_YOUR_DISC;
	if (c->poll && c->final)
		return BFD_PKT_POLL_FINAL;
	if (c->auth) {
		/* The section runs to Length; its own length must fit in it. */
		auth = wire_sub(&rd, (size_t)c->length - BFD_CTRL_LEN);
		c->auth_type = wire_u8(&auth);
		c->auth_len = wire_u8(&auth);
		if (auth.err != WIRE_OK || c->auth_len < 2 ||
		    c->auth_len > c->length - BFD_CTRL_LEN)
			return BFD_PKT_LENGTH;
		return BFD_PKT_AUTH;
	}
	return BFD_PKT_OK;
}

int
bfd_ctrl_encode(struct wire_wr *w, const struct bfd_ctrl *c)
{
	uint8_t flags = (uint8_t)((unsigned)c->state << 6);

	if (c->poll)
		flags |= BFD_FLAG_P;
	if (c->final)
		flags |= BFD_FLAG_F;
	if (c->cpi)
		flags |= BFD_FLAG_C;
	if (c->demand)
		flags |= BFD_FLAG_D;
	if (c->multipoint)
		flags |= BFD_FLAG_M;
	wire_put_u8(w, (uint8_t)(BFD_VERSION << 5 | (c->diag & 0x1f)));
	wire_put_u8(w, flags);
	wire_put_u8(w, c->detect_mult);
	wire_put_u8(w, BFD_CTRL_LEN);
	wire_put_u32(w, c->my_disc);
	wire_put_u32(w, c->your_disc);
	wire_put_u32(w, c->desired_min_tx);
	wire_put_u32(w, c->required_min_rx);
	wire_put_u32(w, c->required_min_echo_rx);
	return w->err == WIRE_OK ? 0 : -1;
}
