/*
 * pool.c: ExAllocatePool2 and friends, charged to the current driver.
 *
 * Every block has a header linking it into one list, so a free can be
 * checked against what was really allocated (no header of freed memory
 * is ever read) and an unloading driver's leaks can be listed with tag
 * and size. The core's own allocations have no owner. The header sits
 * right before the block, which is placed at the alignment asked for in
 * what the backend gave (the firmware's pool is only 8-aligned).
 */
#include "ki.h"

#define POOL_ALIGN 16		/* every block (WDK: 16 on 64-bit) */
#define CACHE_LINE 64		/* POOL_FLAG_CACHE_ALIGNED */
/* bugcodes.h: an exception no handler took, in a system thread. */
#define SYSTEM_THREAD_EXCEPTION_NOT_HANDLED 0x7E

struct hdr {
	LIST_ENTRY link;
	struct ke_driver *owner;
	PVOID base;			/* what the backend returned */
	SIZE_T size;
	ULONG tag;
};

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

static PVOID alloc(struct ke_driver *owner, SIZE_T bytes, ULONG tag,
		   ULONG_PTR align)
{
	ULONG_PTR base, block;
	struct hdr *h;

	if (bytes > (SIZE_T)-1 / 2)
		return NULL;
	base = (ULONG_PTR)ki.be->alloc(sizeof(*h) + align - 1 + bytes);
	if (!base)
		return NULL;
	block = (base + sizeof(*h) + align - 1) & ~(align - 1);
	h = (struct hdr *)block - 1;
	h->base = (PVOID)base;
	h->owner = owner;
	h->size = bytes;
	h->tag = tag;
	ki_spin_lock(&pool_lock);
	InsertTailList(&blocks, &h->link);
	account(h, 1);
	ki_spin_unlock(&pool_lock);
	return h + 1;
}

PVOID ki_alloc(struct ke_driver *owner, SIZE_T bytes, ULONG tag)
{
	return alloc(owner, bytes, tag, POOL_ALIGN);
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

	ki_spin_lock(&pool_lock);
	h = find(p);
	if (h) {
		RemoveEntryList(&h->link);
		account(h, -1);
	}
	ki_spin_unlock(&pool_lock);
	if (!h) {
		ki_violation(ke_current_driver(), "pool-bad-free",
			     "free of %p, which is not an allocated block", p);
		return;
	}
	if (tag && tag != h->tag)
		ki_violation(ke_current_driver(), "pool-tag-mismatch",
			     "block %p freed with tag 0x%08x, allocated with "
			     "0x%08x", p, tag, h->tag);
	ki.be->free(h->base);
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
	struct hdr *found = NULL;
	PLIST_ENTRY e;

	ki_spin_lock(&pool_lock);
	for (e = blocks.Flink; e != &blocks && !found; e = e->Flink)
		if (((struct hdr *)e)->owner == d)
			found = (struct hdr *)e;
	ki_spin_unlock(&pool_lock);
	return found;
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

/*
 * WDK: exactly one pool kind; zeroed unless POOL_FLAG_UNINITIALIZED;
 * cache-line aligned with POOL_FLAG_CACHE_ALIGNED; with
 * POOL_FLAG_RAISE_ON_FAILURE a failure raises an exception instead of
 * returning NULL. The simulator has no exception handlers, so the raise
 * is never caught: the machine stops as Windows does for an exception no
 * handler takes in a system thread (0x7E, the status and the caller's
 * address). All kinds are the same memory in the simulator.
 */
PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
	PVOID p = NULL;

	if (one_kind(Flags))
		p = alloc(ke_current_driver(), NumberOfBytes, Tag,
			  Flags & POOL_FLAG_CACHE_ALIGNED ? CACHE_LINE :
							    POOL_ALIGN);
	if (p && !(Flags & POOL_FLAG_UNINITIALIZED))
		__builtin_memset(p, 0, NumberOfBytes);
	if (!p && Flags & POOL_FLAG_RAISE_ON_FAILURE)
		KeBugCheckEx(SYSTEM_THREAD_EXCEPTION_NOT_HANDLED,
			     (ULONG_PTR)STATUS_INSUFFICIENT_RESOURCES,
			     (ULONG_PTR)__builtin_return_address(0), 0, 0);
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

/*
 * WDK: an ordinary block is freed with no extended parameters (NULL, 0);
 * one parameter, a POOL_EXTENDED_PARAMS_SECURE_POOL, frees from a secure
 * pool. No block here comes from one, so parameters mean the driver got
 * it wrong: reported as a bad free, nothing freed.
 */
VOID ExFreePool2(PVOID P, ULONG Tag,
		 PCPOOL_EXTENDED_PARAMETER ExtendedParameters,
		 ULONG ExtendedParametersCount)
{
	if (ExtendedParameters || ExtendedParametersCount) {
		ki_violation(ke_current_driver(), "pool-bad-free",
			     "ExFreePool2 of %p with %u extended parameters: "
			     "there is no secure pool; nothing freed", P,
			     ExtendedParametersCount);
		return;
	}
	ki_free(P, Tag);
}
