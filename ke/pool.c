/*
 * pool.c: ExAllocatePool2 and friends, charged to the current driver.
 *
 * Every block has a header linking it into one list, so a free can be
 * checked against what was really allocated (no header of freed memory
 * is ever read) and an unloading driver's leaks can be listed with tag
 * and size. The core's own allocations have no owner.
 */
#include "ki.h"

struct hdr {
	LIST_ENTRY link;
	struct ke_driver *owner;
	SIZE_T size;
	ULONG tag;
} __attribute__((aligned(16)));		/* keeps the block 16-aligned */

static LIST_ENTRY blocks;
static KSPIN_LOCK pool_lock;
static LONG nblocks;

VOID ki_pool_init(VOID)
{
	InitializeListHead(&blocks);
	KeInitializeSpinLock(&pool_lock);
	nblocks = 0;
}

LONG ke_pool_blocks(VOID)
{
	return __atomic_load_n(&nblocks, __ATOMIC_RELAXED);
}

static VOID account(struct hdr *h, LONG sign)
{
	InterlockedExchangeAdd(&nblocks, sign);
	if (!h->owner)
		return;
	h->owner->pool_blocks += sign;
	h->owner->pool_bytes += sign > 0 ? h->size : -h->size;
}

PVOID ki_alloc(struct ke_driver *owner, SIZE_T bytes, ULONG tag)
{
	struct hdr *h;
	KIRQL irql;

	if (bytes > (SIZE_T)-1 / 2)
		return NULL;
	h = ki.be->alloc(sizeof(*h) + bytes);
	if (!h)
		return NULL;
	h->owner = owner;
	h->size = bytes;
	h->tag = tag;
	KeAcquireSpinLock(&pool_lock, &irql);
	InsertTailList(&blocks, &h->link);
	account(h, 1);
	KeReleaseSpinLock(&pool_lock, irql);
	return h + 1;
}

static struct hdr *find(PVOID p)
{
	PLIST_ENTRY e;

	for (e = blocks.Flink; e != &blocks; e = e->Flink)
		if ((struct hdr *)e + 1 == p)
			return (struct hdr *)e;
	return NULL;
}

/* A tag of 0 matches any block (ExFreePool). */
VOID ki_free(PVOID p, ULONG tag)
{
	struct hdr *h;
	KIRQL irql;

	KeAcquireSpinLock(&pool_lock, &irql);
	h = find(p);
	if (h) {
		RemoveEntryList(&h->link);
		account(h, -1);
	}
	KeReleaseSpinLock(&pool_lock, irql);
	if (!h) {
		ki_violation(ke_current_driver(), "pool-bad-free",
			     "free of %p, which is not an allocated block", p);
		return;
	}
	if (tag && tag != h->tag)
		ki_violation(ke_current_driver(), "pool-tag-mismatch",
			     "block %p freed with tag 0x%08x, allocated with "
			     "0x%08x", p, tag, h->tag);
	ki.be->free(h);
}

/* Tags are written as 'abcd' constants; memory order is how they read. */
static VOID tag_text(ULONG tag, char out[5])
{
	int i;
	char c;

	for (i = 0; i < 4; i++) {
		c = (char)(tag >> (8 * i));
		out[i] = c >= 0x20 && c < 0x7f ? c : '.';
	}
	out[4] = 0;
}

static struct hdr *first_of(struct ke_driver *d)
{
	PLIST_ENTRY e;
	struct hdr *h;
	KIRQL irql;

	KeAcquireSpinLock(&pool_lock, &irql);
	for (e = blocks.Flink; e != &blocks; e = e->Flink) {
		h = (struct hdr *)e;
		if (h->owner == d)
			break;
	}
	KeReleaseSpinLock(&pool_lock, irql);
	return e == &blocks ? NULL : h;
}

/* An unloading driver's blocks: each reported (tag, size), then freed. */
VOID ki_pool_purge(struct ke_driver *d)
{
	struct hdr *h;
	char tag[5];

	while ((h = first_of(d))) {
		tag_text(h->tag, tag);
		ki_violation(d, "pool-leak", "%lu bytes with tag '%s' at %p "
			     "still allocated at unload; freed",
			     (unsigned long)h->size, tag, (PVOID)(h + 1));
		ki_free(h + 1, h->tag);
	}
}

static BOOLEAN one_kind(POOL_FLAGS f)
{
	f &= POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE |
	     POOL_FLAG_PAGED;
	return f && !(f & (f - 1));
}

/* WDK: exactly one pool kind; zeroed unless POOL_FLAG_UNINITIALIZED. All
 * kinds are the same memory in the simulator. */
PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
	PVOID p;

	if (!one_kind(Flags))
		return NULL;
	p = ki_alloc(ke_current_driver(), NumberOfBytes, Tag);
	if (p && !(Flags & POOL_FLAG_UNINITIALIZED))
		__builtin_memset(p, 0, NumberOfBytes);
	return p;
}

/* The older interface: memory is not zeroed. */
PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes,
			    ULONG Tag)
{
	(VOID)PoolType;
	return ki_alloc(ke_current_driver(), NumberOfBytes, Tag);
}

VOID ExFreePoolWithTag(PVOID P, ULONG Tag)
{
	ki_free(P, Tag);
}

VOID ExFreePool(PVOID P)
{
	ki_free(P, 0);
}
