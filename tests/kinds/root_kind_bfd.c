/*
 * BFD across kinds (root; bird2 and frr, skips without either): BIRD and
 * FRR peering with each other, and anybgpd with each of them at 10 ms x 3,
 * in a lab of two nodes (helper_bfd.h), BFD on both sides with
 * hold time 9 s. Each side reports its BFD session Up through the kind's
 * bgp_bfd op at the interval configured; a black hole on one side's
 * interface (its carrier up, so only BFD or the hold timer can tell) must
 * take both BGP sessions down well within the hold time and leave both BFD
 * sessions Down; removing it brings both back. The lab is removed on every
 * path (hbfd_cleanup).
 */
#include <criterion/criterion.h>

#include "kinds/helper_bfd.h"

static struct hbfd_lab L;

static void
teardown(void)
{
	hbfd_cleanup(&L);
}

/* 100 ms x 3: detected after 300 ms without a packet, against the 9 s hold time. */
Test(kind_bfd, bird_and_frr_100ms, .fini = teardown, .timeout = 90)
{
	hbfd_check_failover(&L, "bird", "frr", 100, 3, 3000);
}

/* The other way round, faster: FRR on a, BIRD (behind the black hole) on b. */
Test(kind_bfd, frr_and_bird_50ms, .fini = teardown, .timeout = 90)
{
	hbfd_check_failover(&L, "frr", "bird", 50, 3, 3000);
}

/* anybgpd's BFD against BIRD's bfd protocol, 10 ms x 3, each on either side of the hole. */
Test(kind_bfd, anybgpd_and_bird_10ms, .fini = teardown, .timeout = 90)
{
	hbfd_check_failover(&L, "anybgpd", "bird", 10, 3, 3000);
}

Test(kind_bfd, bird_and_anybgpd_10ms, .fini = teardown, .timeout = 90)
{
	hbfd_check_failover(&L, "bird", "anybgpd", 10, 3, 3000);
}

/* anybgpd's BFD against FRR's bfdd (its floor is 10 ms too), both ways. */
Test(kind_bfd, anybgpd_and_frr_10ms, .fini = teardown, .timeout = 90)
{
	hbfd_check_failover(&L, "anybgpd", "frr", 10, 3, 3000);
}

Test(kind_bfd, frr_and_anybgpd_10ms, .fini = teardown, .timeout = 90)
{
	hbfd_check_failover(&L, "frr", "anybgpd", 10, 3, 3000);
}
