/*
 * cpgtool: a command-line client for corosync's Closed Process Groups.
 *
 * Modules: cpgtool.c (main, the command table), cmd/ (a file per
 * command), util.c (the usage error and other helpers every module may
 * use), opt.c (argument parsing shared by the commands), input.c
 * (message framing), loop.c (the event loop), sess.c (the only caller of
 * corosync's libraries), out.c (the only writer of events). See HACKING.
 */

#ifndef CPGTOOL_H
#define CPGTOOL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <corosync/cpg.h>

/* The Makefile passes -DCPGTOOL_VERSION (VERSION, or git describe). */
#ifndef CPGTOOL_VERSION
#define CPGTOOL_VERSION	"unknown"
#endif

/* Exit statuses, the same for every command; see cpgtool(1). */
enum {
	ST_OK		= 0,
	ST_FAIL		= 1,
	ST_USAGE	= 2,
	ST_CONN		= 3,
	ST_ACCESS	= 4,
	ST_BUSY		= 5,	/* lock --nonblock: held by others */
	ST_LOST		= 6,	/* lock: held, then lost */
	ST_INQUORATE	= 7,	/* quorum: this node's partition is not */
	ST_NOEXEC	= 126,
	ST_NOTFOUND	= 127,
	ST_TIMEOUT	= 124,
	ST_SIGNAL	= 128,
	/* not an exit status: a parser printed --help, exit 0 */
	ST_HELP		= -1,
};

/* corosync carries a message's length in 32 bits: the largest message. */
#define MSG_MAX		((size_t)UINT32_MAX)

/* A group name as text: every byte may become \xNN. */
#define GROUP_STR_MAX	(CPG_MAX_NAME_LENGTH * 4 + 1)

/* Long-only options share one number space across all commands. */
enum {
	OPT_WHOLE = 256,
	OPT_WAIT_COROSYNC,
	OPT_MAX_BACKLOG,
	OPT_WATCH,
	OPT_INTRUSIVE,
	OPT_KILL_AFTER,
	OPT_NO_QUORUM,
	OPT_SHOW,
	OPT_NAMES,
	OPT_EXEC,
	OPT_EXEC_TIMEOUT,
	OPT_QUORUM,
};

/*
 * An option, declared once: getopt_long's tables, the synopsis and
 * --help are made from it (opt.c). `val' is its letter, or an OPT_
 * number for a long-only option; `arg' names its value (NULL: none).
 * A command lists the sets it takes; every command takes --help.
 */
struct optdef {
	const char	*name;
	int		 val;
	const char	*arg;
	const char	*help;		/* a \n starts another line */
};
#define OPTDEF_END	{ NULL, 0, NULL, NULL }

/* The sets several commands share. */
extern const struct optdef opts_format[];	/* -j -F -e -T */
extern const struct optdef opts_filter[];	/* -x -E */
extern const struct optdef opts_run[];		/* -t --wait-for-corosync */
extern const struct optdef opts_stay[];		/* -r */
extern const struct optdef opts_backlog[];	/* --max-backlog */
extern const struct optdef opts_input[];	/* -0 --whole -f */
extern const struct optdef opts_intrusive[];	/* --intrusive */
extern const struct optdef opts_exec[];		/* --exec --exec-timeout */

/*
 * What an option handler (out_option, opt_run, opt_common) made of an
 * option: taken, someone else's, or ours with a value refused (and said
 * why on stderr).
 */
enum opt_res {
	OPT_BAD = -1,
	OPT_NOT_MINE = 0,
	OPT_TAKEN = 1,
};

struct cmd {
	const char	 *name;
	int		(*fn)(int, char **);
	const char	 *usage;	/* the operands */
	const struct optdef *const *opts;
};

/* Event kinds; the EVM_ masks select them for --events. */
enum ev_type {
	EV_MESSAGE,
	EV_CONFCHG,
	EV_TOTEM,
	EV_GAP,
	EV_MEMBERS,
	EV_QUORATE,	/* votequorum's verdict on this node's partition */
	EV_INQUORATE,
	EV_NODE,	/* a configured node's state, as votequorum has it */
};

#define EVM_MESSAGE	0x1u
#define EVM_CONFCHG	0x2u
#define EVM_TOTEM	0x4u
#define EVM_ALL		(EVM_MESSAGE | EVM_CONFCHG | EVM_TOTEM)

/* A configured node as votequorum sees it. */
enum qstate {
	QS_MEMBER,
	QS_DEAD,
	QS_LEAVING,
};

struct qnode {
	uint32_t	 nodeid;
	uint32_t	 votes;
	enum qstate	 state;
};

/* corosync's limit on the nodes of a cluster (PROCESSOR_COUNT_MAX). */
#define QNODES_MAX	384

/* This node's view of the quorum, as corosync-quorumtool -s shows it. */
struct qview {
	int		 quorate;
	uint32_t	 nodeid;		/* this node */
	struct cpg_ring_id ring;
	uint32_t	 expected;		/* expected votes */
	uint32_t	 highest;		/* highest expected */
	uint32_t	 total;			/* total votes */
	uint32_t	 quorum;
	size_t		 nnodes;
	struct qnode	 nodes[QNODES_MAX];	/* by node id */
};

struct nodeinfo;

struct event {
	enum ev_type		 type;
	struct timespec		 time;		/* CLOCK_REALTIME, at receipt */
	const struct cpg_name	*group;
	uint32_t		 nodeid;	/* message sender */
	uint32_t		 pid;
	const void		*data;
	size_t			 len;
	const struct cpg_address *members;
	size_t			 nmembers;
	const struct cpg_address *joined;
	size_t			 njoined;
	const struct cpg_address *left;
	size_t			 nleft;
	struct cpg_ring_id	 ring;
	const uint32_t		*nodes;
	size_t			 nnodes;
	uint32_t		 self_nodeid;	/* this process, for */
	uint32_t		 self_pid;	/* --exclude-self */
	/* EV_QUORATE, EV_INQUORATE, EV_NODE */
	const struct qview	*quorum;
	const struct qnode	*node;		/* EV_NODE: which changed */
	const struct nodeinfo	*name;		/* EV_NODE: or NULL */
	int			 unordered;	/* not in CPG's order */
};

/* What happened to a lock, for out_lock_event. */
enum lock_ev {
	LOCK_WAITING,
	LOCK_ACQUIRED,
	LOCK_RELEASED,
	LOCK_LOST,
};

/* What members --names adds to a member. */
struct nodeinfo {
	uint32_t	 nodeid;
	char		 name[256];
	char		 addrs[512];	/* comma separated, empty if unknown */
};

/* Options that the libcpg layer and the event loop honour. */
struct runopts {
	double		 timeout;	/* seconds; 0: none */
	double		 wait_corosync;	/* seconds to retry connecting */
	int		 reconnect;
	size_t		 max_backlog;	/* bytes of unwritten output */
};

/* --exec and --exec-timeout, as given. */
struct execopts {
	const char	*cmd;		/* NULL: no --exec */
	double		 timeout;	/* 0: none */
	int		 timeout_set;
};

/* daemons.c */
struct sess;
const char *daemon_owner(const struct cpg_name *);
int	 daemon_refuse(const struct cpg_name *, int, int);
void	 twin_hint(struct sess *, const struct cpg_name *, size_t, int);
void	 twin_confchg(struct sess *, const struct event *);

/* util.c */
extern const struct cmd	*cur_cmd;
extern unsigned		 std_closed;	/* bit n: fd n was closed */
void	 usage_error(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
int	 hexval(int);

/* opt.c */
int	 opt_group(const char *, struct cpg_name *);
int	 opt_count(const char *, const char *, unsigned long *);
int	 opt_seconds(const char *, const char *, double *);
int	 opt_size(const char *, const char *, size_t *);
enum opt_res opt_run(struct runopts *, int, const char *);
enum opt_res opt_common(struct runopts *, int, const char *);
int	 opt_groups(int, char **, struct cpg_name **);
int	 cmd_help(void);
int	 opt_get(int, char **, const struct optdef *const *, int);
void	 opt_help(const struct optdef *const *);
void	 opt_synopsis(FILE *, const struct cmd *, size_t, size_t);
int	 opt_unknown(char **, int);
void	 opt_init_run(struct runopts *);
enum opt_res opt_exec(struct execopts *, int, const char *);
int	 opt_exec_check(const struct execopts *);

/* out.c: sinks, where output goes (a fd's, written on flush, or memory) */
struct sink;
extern struct sink *const sink_stdout;
extern struct sink *const sink_stderr;
struct sink *sink_new(int);
void	 sink_free(struct sink *);
int	 sink_start(struct sink *);
int	 sink_flush(struct sink *);
int	 sink_stop(struct sink *);
size_t	 sink_pending(const struct sink *);
int	 sink_broken(const struct sink *);
void	 sink_drop(struct sink *);
const char *sink_data(const struct sink *, size_t *);

/* out.c: the formats, one set of options for every sink */
#define OUT_NAME_MAX	(CPG_MAX_NAME_LENGTH * 4 + 1)
enum opt_res out_option(int, const char *);
void	 out_reset(void);
int	 out_stamps(void);
int	 out_formatted(void);
void	 out_events_default(unsigned);
int	 out_event(struct sink *, const struct event *);
void	 out_members(struct sink *, const struct cpg_name *,
	    const struct cpg_address *, size_t, const struct nodeinfo *,
	    uint32_t);
void	 out_lock_event(struct sink *, enum lock_ev, const struct cpg_name *,
	    const char *);
void	 out_lock_queue(struct sink *, const struct cpg_name *, unsigned,
	    const struct cpg_address *, size_t, size_t,
	    const struct nodeinfo *);
void	 out_quorum(struct sink *, const struct qview *,
	    const struct nodeinfo *);
/* a node's name (or NULL), for out_event_env; valid until the next call */
typedef const char *out_name_fn(void *, uint32_t);
extern const char *const out_env_names[];
int	 out_event_json(struct sink *, const struct event *);
int	 out_event_env(struct sink *, const struct event *, out_name_fn *,
	    void *);
const char *out_group_str(const struct cpg_name *, char *, size_t);

/* out.c: the stdout sink, as the loop drives it */
int	 out_start(void);
int	 out_flush(void);
size_t	 out_pending(void);
int	 out_broken(void);
void	 out_drop(void);
int	 out_stop(void);

/* cpgtool.c, cmd/ *.c */
int	 cmd_join(int, char **);
int	 cmd_send(int, char **);
int	 cmd_watch(int, char **);
int	 cmd_members(int, char **);
int	 cmd_lock(int, char **);
int	 cmd_quorum(int, char **);
extern const struct optdef *const join_opts[];
extern const struct optdef *const send_opts[];
extern const struct optdef *const watch_opts[];
extern const struct optdef *const members_opts[];
extern const struct optdef *const lock_opts[];
extern const struct optdef *const quorum_opts[];

#endif
