/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * top's picture of the cluster (struct top, kept by cmd/top.c) and its
 * two renderings (tui.c): the full screen, through ncurses, and one
 * snapshot as text into a sink. Only tui.c knows how either looks.
 */

#ifndef TUI_H
#define TUI_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "event.h"

struct sink;
struct tui;

/* The membership events kept, newest first on the screen. */
#define TOP_EVENTS_MAX	100

/* A process in a group; since 0: there before top first looked. */
struct top_member {
	uint32_t	 nodeid;
	uint32_t	 pid;
	time_t		 since;
};

struct top_group {
	struct cpg_name	 name;
	const char	*daemon;	/* daemon_owner's, or NULL */
	struct top_member *m;		/* by node id, then pid */
	size_t		 n;
	time_t		 since;		/* 0: before top looked */
};

/* A configured node, as votequorum has it. */
struct top_node {
	struct qnode	 q;
	struct nodeinfo	 ni;
	time_t		 since;		/* in this state */
};

enum top_ev {
	TE_JOIN,
	TE_LEAVE,
	TE_UP,		/* a node became a member */
	TE_DOWN,
	TE_QUORATE,
	TE_INQUORATE,
};

struct top_event {
	time_t		 time;
	enum top_ev	 type;
	struct cpg_name	 group;		/* TE_JOIN, TE_LEAVE */
	uint32_t	 nodeid;
	uint32_t	 pid;
};

enum top_sort {
	SORT_NAME,
	SORT_MEMBERS,	/* the most members first */
	SORT_SINCE,	/* the latest change first */
	SORT_COUNT,
};

struct top {
	char		 cluster[256];	/* totem.cluster_name, or "" */
	struct qview	 q;
	int		 have_q;
	struct top_node	*nodes;		/* by node id */
	size_t		 nnodes;
	struct top_group *groups;	/* by name */
	size_t		 ngroups;
	struct top_event ev[TOP_EVENTS_MAX];	/* a ring */
	size_t		 nev;
	size_t		 evnext;	/* where the next one goes */
	time_t		 started;
	/* what the screen shows, as the keys set it */
	enum top_sort	 sort;
	char		 fgroup[64];	/* a part of the escaped name */
	char		 fnode[64];	/* a node id or name */
	int		 paused;
	int		 help;
	/* a filter being typed: 'g' or 'n', and what so far; 0: none */
	int		 editing;
	char		 edit[64];
};

/* What tui_key returns besides characters. */
enum {
	TK_OTHER = -2,	/* a key top has no use for */
	TK_NONE = -1,
	TK_RESIZE = 0x10000,
	TK_ENTER,
	TK_ESC,
	TK_BACKSPACE,
};

int	 tui_start(struct tui **);
int	 tui_key(struct tui *);
void	 tui_draw(struct tui *, const struct top *);
int	 tui_end(struct tui *);
void	 tui_text(struct sink *, const struct top *);
const char *tui_sort_name(enum top_sort);

#endif
