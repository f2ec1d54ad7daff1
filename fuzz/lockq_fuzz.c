/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the lock's wire format (lockq.c). Any bytes go to
 * lq_parse, as any member of the group may send them. Checked:
 *   nothing it accepts is out of range (a limit over LQ_MAX, a --kill-after
 *   over LQ_KILL_MS_MAX, a list longer than a group, a process twice);
 *   a state it accepts is built again by lq_state_msg, never longer than
 *   the buffer it was given and parsed back to the same state;
 *   a builder given too small a buffer reports 0 bytes, not more than it
 *   wrote;
 *   a bystander (lq_by_message, as sess.c calls it on every delivery)
 *   owes a word for whatever lock traffic it accepts, and for nothing it
 *   refuses.
 * A violation traps.
 */

#include <stdint.h>
#include <string.h>

#include "lockq.h"

#define CHECK(x)	do { if (!(x)) __builtin_trap(); } while (0)

static int
same(const struct lockq *a, const struct lockq *b)
{
	size_t i;

	if (a->limit != b->limit || a->quorum != b->quorum || a->nq != b->nq ||
	    a->nsynced != b->nsynced || a->npend != b->npend)
		return 0;
	for (i = 0; i < a->nq; i++)
		if (!addr_eq(a->q[i], b->q[i]) || a->kill_ms[i] != b->kill_ms[i])
			return 0;
	for (i = 0; i < a->nsynced; i++)
		if (!addr_eq(a->synced[i], b->synced[i]))
			return 0;
	for (i = 0; i < a->npend; i++)
		if (!addr_eq(a->pend[i].a, b->pend[i].a) ||
		    a->pend[i].seq != b->pend[i].seq)
			return 0;
	return 1;
}

/* no process twice in a list (PENDING may name one twice, by SEQ) */
static void
check_once(const struct cpgt_addr *v, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++)
		for (k = i + 1; k < n; k++)
			CHECK(!addr_eq(v[i], v[k]));
}

static void
check_state(const struct lq_msg *m)
{
	static char buf[LQ_MSG_MAX + 1];
	static struct lq_msg back;
	size_t i, n, small;

	CHECK(m->st.limit <= LQ_MAX && m->st.nq <= LQ_MAX);
	CHECK(m->st.nsynced <= LQ_MAX && m->st.npend <= LQ_PENDING);
	for (i = 0; i < m->st.nq; i++)
		CHECK(m->st.kill_ms[i] <= LQ_KILL_MS_MAX);
	check_once(m->st.q, m->st.nq);
	check_once(m->st.synced, m->st.nsynced);
	n = lq_state_msg(buf, sizeof(buf), &m->st, &m->tag, m->grace_ms);
	CHECK(n > 0 && n < sizeof(buf));
	CHECK(lq_parse(buf, n, &back) && back.kind == LQ_STATE);
	CHECK(same(&m->st, &back.st) && addr_eq(m->tag.a, back.tag.a) &&
	    m->tag.seq == back.tag.seq && m->grace_ms == back.grace_ms);
	/* too small a buffer: nothing, not a length past its end */
	small = n / 2;
	CHECK(lq_state_msg(buf, small, &m->st, &m->tag, m->grace_ms) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct lq_msg m;
	struct lq_bystander by = { .owed = 1 };
	char buf[64];
	int said = lq_by_message(&by, data, len, 0);

	if (!lq_parse(data, len, &m)) {
		CHECK(!said);
		return 0;
	}
	CHECK(said == (m.kind != LQ_BYSTANDER));
	switch (m.kind) {
	case LQ_REQUEST:
		CHECK(m.limit >= 1 && m.limit <= LQ_MAX);
		CHECK(m.kill_ms <= LQ_KILL_MS_MAX);
		CHECK(lq_request_msg(buf, 8, m.limit, m.quorum, m.seq,
		    m.kill_ms) == 0);
		break;
	case LQ_RUNNING:
		CHECK(m.kill_ms <= LQ_KILL_MS_MAX);
		break;
	case LQ_STATE:
		check_state(&m);
		break;
	default:
		break;
	}
	return 0;
}
