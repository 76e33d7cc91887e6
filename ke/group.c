/*
 * group.c: which processor group each processor belongs to, and its
 * number there, decided once at ke_init for every processor the machine
 * may ever run, held and pluggable ones included.
 *
 * The rules are Microsoft's ("Processor Groups" and "NUMA Support"):
 * as few groups as possible; the logical processors of a core, and the
 * cores of a package, in one group where possible; a NUMA node wholly
 * inside one group unless it is larger than a group, in which case it is
 * cut into pieces that fit; a node's capacity counts the processors that
 * may be added later, so their room is kept at boot. How the pieces are
 * packed follows a decompiled Windows kernel (KiPerformGroupConfiguration,
 * KiAssignFixedNodes): largest first, the k largest opening groups 0..k-1
 * for the smallest k that can hold them all, each further one going to the
 * group with room that holds the fewest so far, k + 1 if one does not fit.
 * The group of the boot processor is group 0 (its NT index 0 is 0:0).
 * Windows also swaps nodes between groups by NUMA distance; the simulator
 * knows no distances, and with equal distances there is nothing to swap.
 *
 * Within a group, numbers go to the processors active at boot first, in
 * table order (the order they start), then to the others in table order.
 */
#include "ki.h"

/* The work arrays, all of `count` entries. */
struct work {
	const struct ke_processor *p;
	ULONG count, size;
	ULONG *order;		/* entries by node, package, core */
	ULONG *group_of;	/* entry -> group */
	ULONG *first, *len;	/* piece -> its run of order[] */
	ULONG *by_size;		/* pieces, largest first */
	ULONG *piece_group;	/* piece -> group */
	ULONG *room, *nodes;	/* group -> free seats, pieces in it */
	ULONG *rank;		/* group -> its final number */
	ULONG pieces;
};

#define NARRAYS 9

static BOOLEAN before(const struct ke_processor *a,
		      const struct ke_processor *b)
{
	if (a->node != b->node)
		return a->node < b->node;
	if (a->package != b->package)
		return a->package < b->package;
	return a->core < b->core;
}

static BOOLEAN same_core(const struct ke_processor *a,
			 const struct ke_processor *b)
{
	return a->node == b->node && a->package == b->package &&
	       a->core == b->core;
}

/* Insertion sort: stable, and linear on a table already in order, which
 * is what firmware lists usually are. */
static VOID sort_entries(struct work *w)
{
	ULONG i, j, e;

	for (i = 0; i < w->count; i++) {
		e = i;
		for (j = i; j > 0 && before(&w->p[e], &w->p[w->order[j - 1]]);
		     j--)
			w->order[j] = w->order[j - 1];
		w->order[j] = e;
	}
}

static VOID close_piece(struct work *w, ULONG first, ULONG len)
{
	w->first[w->pieces] = first;
	w->len[w->pieces++] = len;
}

/* A node that fits a group is one piece; a larger one is cut at core
 * boundaries, a core larger than a group at group boundaries. */
static VOID cut_node(struct work *w, ULONG a, ULONG b)
{
	ULONG i = a, j, first = a, len = 0;

	while (i < b) {
		for (j = i + 1; j < b && same_core(&w->p[w->order[j]],
						   &w->p[w->order[i]]); j++)
			;
		if (len && len + (j - i) > w->size) {
			close_piece(w, first, len);
			first = i;
			len = 0;
		}
		len += j - i;
		for (; len > w->size; len -= w->size, first += w->size)
			close_piece(w, first, w->size);
		i = j;
	}
	if (len)
		close_piece(w, first, len);
}

static VOID cut_nodes(struct work *w)
{
	ULONG a = 0, b;

	w->pieces = 0;
	while (a < w->count) {
		for (b = a + 1; b < w->count &&
		     w->p[w->order[b]].node == w->p[w->order[a]].node; b++)
			;
		cut_node(w, a, b);
		a = b;
	}
}

static VOID sort_pieces(struct work *w)
{
	ULONG i, j, x;

	for (i = 0; i < w->pieces; i++) {
		x = i;
		for (j = i; j > 0 && w->len[x] > w->len[w->by_size[j - 1]];
		     j--)
			w->by_size[j] = w->by_size[j - 1];
		w->by_size[j] = x;
	}
}

/* The group with room for len that holds the fewest pieces, or k. */
static ULONG emptiest(const struct work *w, ULONG k, ULONG len)
{
	ULONG g, best = k;

	for (g = 0; g < k; g++)
		if (w->room[g] >= len &&
		    (best == k || w->nodes[g] < w->nodes[best]))
			best = g;
	return best;
}

static BOOLEAN pack(struct work *w, ULONG k)
{
	ULONG g, t, x;

	for (g = 0; g < k; g++) {
		w->room[g] = w->size;
		w->nodes[g] = 0;
	}
	for (t = 0; t < w->pieces; t++) {
		x = w->by_size[t];
		g = t < k ? t : emptiest(w, k, w->len[x]);
		if (g == k)
			return FALSE;
		w->piece_group[x] = g;
		w->room[g] -= w->len[x];
		w->nodes[g]++;
	}
	return TRUE;
}

/* Packs the pieces into as few groups as will hold them; returns how
 * many. Everything fits one group when the whole machine does. */
static ULONG pack_pieces(struct work *w)
{
	ULONG k, x;

	if (w->count <= w->size) {
		for (x = 0; x < w->pieces; x++)
			w->piece_group[x] = 0;
		return 1;
	}
	sort_pieces(w);
	for (k = (w->count + w->size - 1) / w->size; !pack(w, k); k++)
		;
	return k;
}

/* The boot processor's group first, then groups with a processor active
 * at boot, then the others, each kind in packing order. */
static VOID rank_groups(struct work *w, ULONG groups)
{
	ULONG e, g, next = 0, pass;
	ULONG *active = w->nodes;	/* reused: group -> has an active */

	for (g = 0; g < groups; g++) {
		active[g] = 0;
		w->rank[g] = groups;
	}
	for (e = 0; e < w->count; e++)
		if (w->p[e].active)
			active[w->group_of[e]] = 1;
	for (e = 0; !w->p[e].active; e++)
		;
	w->rank[w->group_of[e]] = next++;
	for (pass = 1; pass <= 2; pass++)
		for (g = 0; g < groups; g++)
			if (w->rank[g] == groups && active[g] == (pass == 1))
				w->rank[g] = next++;
}

static VOID number(struct work *w, ULONG groups, PROCESSOR_NUMBER *placed)
{
	ULONG e, g, pass;
	ULONG *next = w->room;		/* reused: group -> next number */

	for (g = 0; g < groups; g++)
		next[g] = 0;
	for (pass = 0; pass < 2; pass++)
		for (e = 0; e < w->count; e++) {
			if (w->p[e].active != (pass == 0))
				continue;
			g = w->rank[w->group_of[e]];
			placed[e].Group = (USHORT)g;
			placed[e].Number = (UCHAR)next[g]++;
			placed[e].Reserved = 0;
		}
}

USHORT ki_place(const struct ke_processor *p, ULONG count, ULONG size,
		PROCESSOR_NUMBER *placed)
{
	ULONG *a = ki.be->alloc(NARRAYS * count * sizeof(ULONG));
	struct work w = {
		.p = p, .count = count, .size = size, .order = a,
		.group_of = a + count, .first = a + 2 * count,
		.len = a + 3 * count, .by_size = a + 4 * count,
		.piece_group = a + 5 * count, .room = a + 6 * count,
		.nodes = a + 7 * count, .rank = a + 8 * count,
	};
	ULONG groups, x, i;

	if (!a)
		return 0;
	sort_entries(&w);
	cut_nodes(&w);
	groups = pack_pieces(&w);
	for (x = 0; x < w.pieces; x++)
		for (i = w.first[x]; i < w.first[x] + w.len[x]; i++)
			w.group_of[w.order[i]] = w.piece_group[x];
	rank_groups(&w, groups);
	number(&w, groups, placed);
	ki.be->free(a);
	return (USHORT)groups;
}
