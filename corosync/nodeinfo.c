/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Node information from corosync's configuration: a node's name from
 * cmap's nodelist (name, else ring0_addr) and its addresses from cfg,
 * for --names; and the node ids a --nodes list of ids and names stands
 * for. The handles are their owner's (struct nodesrc): a session or a
 * quorum keeps them open while it lives, and asks through them again.
 */

#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/cfg.h>
#include <corosync/cmap.h>

#include "cs.h"
#include "event.h"
#include "nodeinfo.h"
#include "opt.h"
#include "status.h"

static void
node_name(cmap_handle_t cmap, uint32_t nodeid, struct nodeinfo *ni)
{
	char key[64], *str;
	uint32_t id;
	int i;

	for (i = 0; i < 1024; i++) {
		snprintf(key, sizeof(key), "nodelist.node.%d.nodeid", i);
		if (cmap_get_uint32(cmap, key, &id) != CS_OK)
			return;
		if (id != nodeid)
			continue;
		snprintf(key, sizeof(key), "nodelist.node.%d.name", i);
		if (cmap_get_string(cmap, key, &str) != CS_OK) {
			snprintf(key, sizeof(key),
			    "nodelist.node.%d.ring0_addr", i);
			if (cmap_get_string(cmap, key, &str) != CS_OK)
				return;
		}
		snprintf(ni->name, sizeof(ni->name), "%s", str);
		free(str);
		return;
	}
}

static void
node_addrs(corosync_cfg_handle_t cfg, uint32_t nodeid, struct nodeinfo *ni)
{
	corosync_cfg_node_address_t addrs[8];
	char host[NI_MAXHOST];
	size_t len = 0;
	socklen_t sl;
	int i, n = 0;

	if (corosync_cfg_get_node_addrs(cfg, nodeid, 8, &n, addrs) != CS_OK)
		return;
	for (i = 0; i < n && i < 8; i++) {
		struct sockaddr *sa = (struct sockaddr *)addrs[i].address;

		sl = sa->sa_family == AF_INET6 ?
		    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		if (getnameinfo(sa, sl, host, sizeof(host), NULL, 0,
		    NI_NUMERICHOST) != 0)
			continue;
		len += snprintf(ni->addrs + len, sizeof(ni->addrs) - len,
		    "%s%s", len ? "," : "", host);
		if (len >= sizeof(ni->addrs))
			break;
	}
}

/*
 * A node's name and addresses from corosync's configuration, through
 * cmap and cfg handles opened on first use (0: not open, or not there).
 */
void
nodesrc_info(struct nodesrc *ns, uint32_t nodeid, struct nodeinfo *ni)
{
	memset(ni, 0, sizeof(*ni));
	ni->nodeid = nodeid;
	if (ns->cmap == 0 && cmap_initialize(&ns->cmap) != CS_OK)
		ns->cmap = 0;
	if (ns->cfg == 0 && corosync_cfg_initialize(&ns->cfg, NULL) != CS_OK)
		ns->cfg = 0;
	if (ns->cmap)
		node_name(ns->cmap, nodeid, ni);
	if (ns->cfg)
		node_addrs(ns->cfg, nodeid, ni);
}

/* Close what is open, to be opened again on the next use. */
void
nodesrc_close(struct nodesrc *ns)
{
	if (ns->cmap)
		cmap_finalize(ns->cmap);
	if (ns->cfg)
		corosync_cfg_finalize(ns->cfg);
	ns->cmap = 0;
	ns->cfg = 0;
}

/*
 * The id of the node corosync's nodelist names `name' (as node_name
 * finds names: name, else ring0_addr), or 0.
 */
static uint32_t
node_named(cmap_handle_t cmap, const char *name)
{
	char key[64], *str;
	uint32_t id, found = 0;
	int i;

	for (i = 0; i < 1024 && found == 0; i++) {
		snprintf(key, sizeof(key), "nodelist.node.%d.nodeid", i);
		if (cmap_get_uint32(cmap, key, &id) != CS_OK)
			break;
		snprintf(key, sizeof(key), "nodelist.node.%d.name", i);
		if (cmap_get_string(cmap, key, &str) != CS_OK) {
			snprintf(key, sizeof(key),
			    "nodelist.node.%d.ring0_addr", i);
			if (cmap_get_string(cmap, key, &str) != CS_OK)
				continue;
		}
		if (strcmp(str, name) == 0)
			found = id;
		free(str);
	}
	return found;
}

/*
 * A list of nodes, "1,node2": each word of digits a node id, any other a
 * node's name as corosync's nodelist gives it (as --names prints it);
 * into ids, each once, at most max. corosync is asked only if a name is
 * given. NODES_OK; NODES_BAD for a list that is not one (an empty word,
 * more than max); NODES_BADID for a word of digits that is no node id
 * (0, past UINT32_MAX: opt.c's number parser) and NODES_UNKNOWN for a
 * name not in the nodelist, both copied into word; or an ST_* status,
 * said, if corosync cannot be asked.
 */
int
node_ids(const char *arg, uint32_t *ids, size_t max, size_t *n,
    char *word, size_t wsize)
{
	cmap_handle_t cmap = 0;
	const char *p, *end;
	uint32_t id;
	cs_error_t e;
	size_t i, len;
	int st = NODES_OK;

	*n = 0;
	for (p = arg; st == NODES_OK; p = end + 1) {
		end = p + strcspn(p, ",");
		len = (size_t)(end - p);
		if (len == 0 || len >= wsize || *n == max) {
			st = NODES_BAD;
			break;
		}
		memcpy(word, p, len);
		word[len] = '\0';
		if (strspn(word, "0123456789") == len) {
			if (opt_nodeid(word, &id) != OPT_TAKEN) {
				st = NODES_BADID;
				break;
			}
		} else {
			if (cmap == 0 &&
			    (e = cmap_initialize(&cmap)) != CS_OK) {
				cmap = 0;
				st = cs_fail(e, "cannot connect to corosync");
				break;
			}
			if ((id = node_named(cmap, word)) == 0) {
				st = NODES_UNKNOWN;
				break;
			}
		}
		for (i = 0; i < *n && ids[i] != id; i++)
			;
		if (i == *n)
			ids[(*n)++] = id;
		if (*end == '\0')
			break;
	}
	if (cmap)
		cmap_finalize(cmap);
	return st;
}
