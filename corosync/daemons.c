/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Groups that belong to the cluster's own daemons, and names that are
 * one NUL away from the group meant.
 *
 * CPG membership is not passive: these daemons count the members of
 * their groups. A process that joins Pacemaker's crmd\0 is taken for a
 * controller of its node, so the real controller's death goes unseen
 * (Pacemaker's lib/cluster/cpg.c, node_left: a peer that leaves while
 * another pid of its node remains is ignored); dlm_controld restarts a
 * lockspace only once every member of its group has answered (dlm's
 * dlm_controld/cpg.c, wait_messages_done); sbd counts the members of its
 * group as the nodes alive (sbd's src/sbd-cluster.c). join, watch and
 * send therefore refuse these groups unless told --intrusive; members
 * --watch never joins.
 *
 * The names are what each daemon passes to cpg_join, NUL and all: most
 * count the terminating NUL in the length (strlen + 1), ocfs2_controld
 * and clvmd do not (the length is what snprintf or strlen returned).
 */

#include <err.h>
#include <string.h>

#include "addr.h"
#include "daemons.h"
#include "enc.h"
#include "event.h"
#include "sess.h"
#include "status.h"

struct daemon_group {
	const char	*name;	/* the name, or its fixed start */
	int		 wild;	/* any NUL-free bytes follow the start */
	int		 nul;	/* a NUL ends the name and counts in it */
	const char	*owner;
	const char	*effect;	/* one more member: what it does */
};

/*
 * What one more member does. Pacemaker's daemons take a member for their
 * peer on its node, and a peer's leave goes unnoticed while another pid
 * of its node is a member (Pacemaker's lib/cluster/cpg.c).
 */
#define PCMK_EFFECT(role)	"Pacemaker will count this process as the " \
	"node's " role " for as long as it stays, and not see the real " \
	"one fail"
/* dlm_controld and gfs_controld recover once every member has answered */
#define WAIT_EFFECT(who)	who " will wait for this process to answer " \
	"before it recovers, which it never will, for as long as it stays"

static const struct daemon_group daemon_groups[] = {
	{ "attrd",		0, 1, "Pacemaker's attribute manager",
	    PCMK_EFFECT("attribute manager") },
	{ "cib",		0, 1, "Pacemaker's CIB manager",
	    PCMK_EFFECT("CIB manager") },
	{ "crmd",		0, 1, "Pacemaker's controller",
	    PCMK_EFFECT("controller") },
	{ "stonith-ng",		0, 1, "Pacemaker's fencer",
	    PCMK_EFFECT("fencer") },
	/* pacemakerd joined it until Pacemaker 2.0.4 */
	{ "pacemakerd",		0, 1, "Pacemaker's launcher",
	    PCMK_EFFECT("launcher") },
	/* sbd connects through Pacemaker's library, with its own name */
	{ "sbd:cluster",	0, 1, "sbd's cluster watcher",
	    "sbd will count this process's node as alive for as long as it "
	    "stays" },
	{ "dlm:controld",	0, 1, "dlm_controld",
	    WAIT_EFFECT("dlm_controld") },
	/* every DLM lockspace: lvmlockd's, gfs2's and ocfs2's too */
	{ "dlm:ls:",		1, 1, "dlm_controld (a lockspace)",
	    WAIT_EFFECT("dlm_controld") },
	/* gfs_controld, retired in gfs2-utils 3.1.6 */
	{ "gfs:controld",	0, 1, "gfs_controld",
	    WAIT_EFFECT("gfs_controld") },
	{ "gfs:mount:",		1, 1, "gfs_controld (a mount)",
	    WAIT_EFFECT("gfs_controld") },
	/* ocfs2_controld: "ocfs2:controld" and "ocfs2:UUID" */
	{ "ocfs2:",		1, 0, "ocfs2_controld",
	    "ocfs2_controld will count this process as a member for as long "
	    "as it stays" },
	/* cmirrord: a clustered mirror log's device-mapper UUID */
	{ "LVM-",		1, 1, "cmirrord (a mirror log)",
	    "cmirrord will count this process as a member of the mirror "
	    "log for as long as it stays" },
	/* clvmd, removed in lvm2 2.03 */
	{ "clvmd",		0, 0, "clvmd",
	    "clvmd will count this process as a member for as long as it "
	    "stays" },
};

static int
matches(const struct daemon_group *d, const struct cpg_name *g)
{
	size_t n = strlen(d->name), len = g->length;

	if (d->nul) {
		if (len == 0 || g->value[len - 1] != '\0')
			return 0;
		len--;
	}
	if (len < n || memcmp(g->value, d->name, n) != 0)
		return 0;
	if (!d->wild)
		return len == n;
	return len > n && memchr(g->value + n, '\0', len - n) == NULL;
}

static const struct daemon_group *
find(const struct cpg_name *g)
{
	size_t i;

	for (i = 0; i < sizeof(daemon_groups) / sizeof(daemon_groups[0]); i++)
		if (matches(&daemon_groups[i], g))
			return &daemon_groups[i];
	return NULL;
}

/* Whose group this is, if a cluster daemon's. */
const char *
daemon_owner(const struct cpg_name *g)
{
	const struct daemon_group *d = find(g);

	return d ? d->owner : NULL;
}

/*
 * -1, said in one line, if a group of g[0..n) is a daemon's; with
 * --intrusive 0, after a line for each such group on what joining it
 * does to that daemon (said once: before connecting, not again on a
 * reconnect).
 */
int
daemon_refuse(const struct cpg_name *g, int n, int intrusive)
{
	char name[GROUP_STR_MAX];
	const struct daemon_group *d;
	int i;

	for (i = 0; i < n; i++) {
		if ((d = find(&g[i])) == NULL)
			continue;
		enc_group_str(&g[i], name, sizeof(name));
		if (intrusive) {
			warnx("joining '%s', a group of %s: %s", name, d->owner,
			    d->effect);
			continue;
		}
		warnx("'%s' belongs to %s, which counts its members: "
		    "joining could hide a real member's failure or stall "
		    "recovery; use cpgtool members --watch '%s' (never "
		    "joins), or --intrusive", name, d->owner, name);
		return -1;
	}
	return 0;
}

/* NAME\0 for NAME and the reverse; 0 if there is none. */
static int
twin_of(const struct cpg_name *g, struct cpg_name *t)
{
	*t = *g;
	if (g->length > 0 && g->value[g->length - 1] == '\0')
		t->length--;
	else if (g->length < CPG_MAX_NAME_LENGTH)
		t->value[t->length++] = '\0';
	else
		return 0;
	return t->length > 0;
}

/*
 * A group with no one (else) in it whose NUL twin has members is almost
 * always a mistyped name (testcpg and Pacemaker count the NUL): say which
 * name to use. `others': the members apart from ourselves. A process
 * that joined is pointed to members --watch for a daemon's group, which
 * it would refuse to join.
 */
void
twin_hint(struct sess *s, const struct cpg_name *g, size_t others,
    int joined)
{
	struct cpg_address a[CPG_MEMBERS_MAX];
	char name[GROUP_STR_MAX];
	char tname[GROUP_STR_MAX];
	const char *owner;
	struct cpg_name t;
	int n = CPG_MEMBERS_MAX;

	if (others > 0 || !twin_of(g, &t) ||
	    sess_membership(s, &t, a, &n) != ST_OK || n == 0)
		return;
	enc_group_str(g, name, sizeof(name));
	enc_group_str(&t, tname, sizeof(tname));
	if (joined && (owner = daemon_owner(&t)) != NULL)
		warnx("'%s' has no other members but '%s' has %d, a group "
		    "of %s: did you mean cpgtool members --watch '%s' "
		    "(never joins)?", name, tname, n, owner, tname);
	else
		warnx("'%s' has no %smembers but '%s' has %d: did you mean "
		    "'%s'?", name, joined ? "other " : "", tname, n, tname);
}

/*
 * The confchg of our own join, the first a joined group tells us: the
 * hint if its twin is the busy one. 1 if ev was that confchg.
 */
int
twin_confchg(struct sess *s, const struct event *ev)
{
	size_t i, others = 0, self = 0;

	if (ev->type != EV_CONFCHG)
		return 0;
	for (i = 0; i < ev->njoined; i++)
		self |= addr_eq(ADDR_OF(&ev->joined[i]), ADDR_SELF(ev));
	if (!self)
		return 0;
	for (i = 0; i < ev->nmembers; i++)
		others += !addr_eq(ADDR_OF(&ev->members[i]), ADDR_SELF(ev));
	twin_hint(s, ev->group, others, 1);
	return 1;
}
