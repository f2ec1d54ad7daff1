/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qv_unsafe: which of votequorum's settings the lock refuses, and the
 * line that says so; the majority it trusts, with and without a qdevice.
 */

#include <stdint.h>
#include <string.h>

#include "qview.h"
#include "unit.h"

static const char *
why(struct qsettings s)
{
	static char buf[256];

	buf[0] = '\0';
	if (!qv_unsafe(&s, buf, sizeof(buf)))
		return "safe";
	return buf;
}

static void
settings(void)
{
	/* three nodes, quorum 2: the usual majority */
	CHECK_STR("majority", why((struct qsettings){ .quorum = 2 }), "safe");
	CHECK_STR("majority, votes known", why((struct qsettings){
	    .quorum = 2, .configured = 3 }), "safe");
	CHECK_STR("two_node", why((struct qsettings){ .two_node = 1,
	    .quorum = 1 }), "votequorum's two_node lets both halves of a "
	    "split be quorate: use a qdevice instead, or --no-quorum "
	    "knowingly");
	CHECK(strstr(why((struct qsettings){ .last_man_standing = 1,
	    .quorum = 3 }), "last_man_standing") != NULL,
	    "last_man_standing is named");
	CHECK(strstr(why((struct qsettings){ .allow_downscale = 1,
	    .quorum = 3 }), "allow_downscale") != NULL,
	    "allow_downscale is named");
	/* two_node is the setting named, whatever else is on */
	CHECK(strncmp(why((struct qsettings){ .two_node = 1,
	    .last_man_standing = 1 }), "votequorum's two_node", 21) == 0,
	    "two_node first");
}

static void
figures(void)
{
	/* corosync-quorumtool -e 2 on 5 nodes while 3 are away */
	CHECK_STR("quorum 2 of 5", why((struct qsettings){ .quorum = 2,
	    .configured = 5 }), "votequorum's quorum is 2 of 5 configured "
	    "votes (expected votes lowered), so both sides of a split can "
	    "be quorate: use a qdevice instead, or --no-quorum knowingly");
	/* half is not a majority */
	CHECK(strcmp(why((struct qsettings){ .quorum = 2,
	    .configured = 4 }), "safe") != 0, "quorum 2 of 4 refused");
	CHECK_STR("quorum 3 of 4", why((struct qsettings){ .quorum = 3,
	    .configured = 4 }), "safe");
	/* 2 nodes and a qdevice of 1 vote: quorum 2 of 3 */
	CHECK_STR("qdevice", why((struct qsettings){ .quorum = 2,
	    .configured = 3 }), "safe");
	/* unknown votes: only the settings count */
	CHECK_STR("votes unknown", why((struct qsettings){ .quorum = 1 }),
	    "safe");
}

int
main(void)
{
	settings();
	figures();
	return unit_end();
}
