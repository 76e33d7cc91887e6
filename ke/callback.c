/*
 * callback.c: executive callback objects (WDK: ExCreateCallback,
 * ExRegisterCallback, ExUnregisterCallback, ExNotifyCallback).
 *
 * Windows delivers processor-add notifications through one such object,
 * \Callback\ProcessorAdd; KeRegisterProcessorChangeCallback and
 * KeDeregisterProcessorChangeCallback are thin wrappers over it
 * (observed Windows behaviour (RE)).
 *
 * One lock guards every object (cb_enter/cb_leave). A notification
 * holds it from its first callback to its last, and the processor that
 * holds it may take it again: a callback may register, unregister or
 * notify on any object. Another processor waits until the notification
 * ends (on Windows it waits only while the registration it removes is
 * running; the difference is a matter of timing no driver can rely on).
 *
 * Handles are not pointers but numbered cookies, so a stale or doubly
 * freed handle is recognised without touching freed memory. A
 * registration removed while a notification runs is only marked dead;
 * it is unlinked and freed when the outermost notification ends.
 */
#include "ki.h"

#define NOBJ 8
#define NAME_MAX 64
#define COOKIE_TAG 0xb
#define POOL_TAG 0x62436b4b	/* 'KkCb' */

struct _CALLBACK_OBJECT {
	WCHAR name[NAME_MAX];
	UNICODE_STRING uname;
	LIST_ENTRY regs;
	ULONG dead;			/* registrations left to free */
	LONG refs;			/* ObDereferenceObject counts down */
	BOOLEAN multiple;
	BOOLEAN used;
	ki_pass_fn *pass;		/* NULL: call each function directly */
};

static struct _CALLBACK_OBJECT objs[NOBJ];
static ULONG64 last_id;
static KSPIN_LOCK cb_lock;
static ULONG cb_owner = KI_NO_OWNER;	/* atomic */
static ULONG cb_depth;			/* the owner's nesting */

VOID ki_cb_init(VOID)
{
	__builtin_memset(objs, 0, sizeof(objs));
	last_id = 0;
	KeInitializeSpinLock(&cb_lock);
	__atomic_store_n(&cb_owner, KI_NO_OWNER, __ATOMIC_RELAXED);
	cb_depth = 0;
}

/* The lock, taken again by the processor that holds it. */
static VOID cb_enter(VOID)
{
	ULONG me = ki.be->current();

	if (__atomic_load_n(&cb_owner, __ATOMIC_RELAXED) == me) {
		cb_depth++;
		return;
	}
	ki_spin_lock(&cb_lock);
	__atomic_store_n(&cb_owner, me, __ATOMIC_RELAXED);
	cb_depth = 1;
}

static VOID reg_free(struct ki_cbreg *r)
{
	RemoveEntryList(&r->link);
	ki_free(r, POOL_TAG);
}

/* The outermost leave frees what died meanwhile; the lists are walked
 * only if something did. */
static VOID free_dead(VOID)
{
	PCALLBACK_OBJECT o;
	PLIST_ENTRY e, next;
	struct ki_cbreg *r;

	for (o = objs; o < objs + NOBJ; o++) {
		if (!o->dead)
			continue;
		o->dead = 0;
		for (e = o->regs.Flink; e != &o->regs; e = next) {
			next = e->Flink;
			r = CONTAINING_RECORD(e, struct ki_cbreg, link);
			if (r->dead)
				reg_free(r);
		}
	}
}

static VOID cb_leave(VOID)
{
	if (--cb_depth)
		return;
	free_dead();
	__atomic_store_n(&cb_owner, KI_NO_OWNER, __ATOMIC_RELAXED);
	ki_spin_unlock(&cb_lock);
}

/* A notification of the core's own is running: frees wait until it
 * ends (ki_cb_release). */
VOID ki_cb_hold(VOID)
{
	cb_enter();
}

VOID ki_cb_release(VOID)
{
	cb_leave();
}

static PCALLBACK_OBJECT obj_new(PCUNICODE_STRING name, BOOLEAN multiple)
{
	PCALLBACK_OBJECT o;

	if (name && name->Length > sizeof(o->name))
		return NULL;
	for (o = objs; o < objs + NOBJ && o->used; o++)
		;
	if (o == objs + NOBJ)
		return NULL;
	o->used = TRUE;
	o->multiple = multiple;
	o->refs = 1;		/* the name space's own reference */
	InitializeListHead(&o->regs);
	o->uname.Buffer = o->name;
	o->uname.MaximumLength = sizeof(o->name);
	if (name) {
		__builtin_memcpy(o->name, name->Buffer, name->Length);
		o->uname.Length = name->Length;
	}
	return o;
}

/* Object names are case-insensitive, as in the object manager. */
static PCALLBACK_OBJECT obj_find(PCUNICODE_STRING name)
{
	PCALLBACK_OBJECT o;

	for (o = objs; o < objs + NOBJ; o++)
		if (o->used && o->uname.Length &&
		    RtlEqualUnicodeString(&o->uname, name, TRUE))
			return o;
	return NULL;
}

/* The core's own objects: created at init, with their own pass. */
PCALLBACK_OBJECT ki_cb_object(PCWSTR name, ki_pass_fn *pass)
{
	UNICODE_STRING u;
	PCALLBACK_OBJECT o;

	RtlInitUnicodeString(&u, name);
	o = obj_new(&u, TRUE);
	o->pass = pass;
	return o;
}

/* WDK: opens the named object, creating it if asked and absent, and
 * takes a reference the caller drops with ObDereferenceObject. An
 * unnamed object can only be created. */
NTSTATUS ExCreateCallback(PCALLBACK_OBJECT *CallbackObject,
			  POBJECT_ATTRIBUTES ObjectAttributes, BOOLEAN Create,
			  BOOLEAN AllowMultipleCallbacks)
{
	PUNICODE_STRING name = ObjectAttributes ?
			       ObjectAttributes->ObjectName : NULL;
	PCALLBACK_OBJECT o = NULL;
	NTSTATUS st = STATUS_SUCCESS;

	if (!CallbackObject)
		return STATUS_INVALID_PARAMETER;
	cb_enter();
	if (name && name->Length)
		o = obj_find(name);
	if (!o && !Create)
		st = STATUS_OBJECT_NAME_NOT_FOUND;
	else if (!o && !(o = obj_new(name, AllowMultipleCallbacks)))
		st = STATUS_INSUFFICIENT_RESOURCES;
	if (NT_SUCCESS(st)) {
		o->refs++;
		*CallbackObject = o;
	}
	cb_leave();
	return st;
}

static BOOLEAN obj_valid(PCALLBACK_OBJECT o)
{
	return o >= objs && o < objs + NOBJ && o->used;
}

/* WDK: returns the references left. Objects are never deleted here: the
 * name space keeps one, and dropping that one is a bad dereference. */
LONG_PTR ObfDereferenceObject(PVOID Object)
{
	PCALLBACK_OBJECT o = Object;
	LONG_PTR left = -1;

	cb_enter();
	if (obj_valid(o) && o->refs > 1)
		left = --o->refs;
	cb_leave();
	if (left < 0)
		ki_violation(ke_current_driver(), "ob-bad-deref",
			     "ObDereferenceObject(%p): no reference of the "
			     "caller's is left on it", Object);
	return left < 0 ? 0 : left;
}

typedef BOOLEAN match_fn(const struct ki_cbreg *r, const void *key);

static BOOLEAN match_id(const struct ki_cbreg *r, const void *key)
{
	return r->id == *(const ULONG64 *)key;
}

static BOOLEAN match_obj(const struct ki_cbreg *r, const void *key)
{
	return r->obj == key;
}

static BOOLEAN match_driver(const struct ki_cbreg *r, const void *key)
{
	return r->driver == key;
}

/* The first live registration, on any object, that matches key. */
static struct ki_cbreg *find_live(match_fn *match, const void *key)
{
	PCALLBACK_OBJECT o;
	PLIST_ENTRY e;
	struct ki_cbreg *r;

	for (o = objs; o < objs + NOBJ; o++) {
		if (!o->used)
			continue;
		for (e = o->regs.Flink; e != &o->regs; e = e->Flink) {
			r = CONTAINING_RECORD(e, struct ki_cbreg, link);
			if (!r->dead && match(r, key))
				return r;
		}
	}
	return NULL;
}

static PVOID cookie(ULONG64 id)
{
	return (PVOID)(ULONG_PTR)(id << 4 | COOKIE_TAG);
}

/* Appended at the tail: callbacks run in registration order (WDK:
 * ExNotifyCallback). NULL for a bad object, a second registration on a
 * single-callback object, or no memory. */
PVOID ki_cb_register(PCALLBACK_OBJECT obj, PCALLBACK_FUNCTION fn, PVOID ctx)
{
	struct ki_cbreg *r = NULL;

	cb_enter();
	if (obj_valid(obj) &&
	    (obj->multiple || !find_live(match_obj, obj)))
		r = ki_alloc(NULL, sizeof(*r), POOL_TAG);
	if (r) {
		__builtin_memset(r, 0, sizeof(*r));
		r->obj = obj;
		r->fn = fn;
		r->ctx = ctx;
		r->driver = ke_current_driver();
		r->id = ++last_id;
		InsertTailList(&obj->regs, &r->link);
		if (r->driver)
			InterlockedIncrement(&r->driver->registrations);
	}
	cb_leave();
	return r ? cookie(r->id) : NULL;
}

/*
 * WDK. A NULL function is accepted by Windows, which calls it at the
 * first notification; here it is reported and refused. A registration
 * on \Callback\ProcessorAdd from inside one of its callbacks is treated
 * as KeRegisterProcessorChangeCallback's (procchg.c).
 */
PVOID ExRegisterCallback(PCALLBACK_OBJECT CallbackObject,
			 PCALLBACK_FUNCTION CallbackFunction,
			 PVOID CallbackContext)
{
	if (!ki_pc_may_register(CallbackObject, CallbackFunction != NULL))
		return NULL;
	return ki_cb_register(CallbackObject, CallbackFunction,
			      CallbackContext);
}

/* The live registration behind a handle, or NULL after reporting why
 * the handle is bad (Windows: undefined behaviour). Under the lock. */
static struct ki_cbreg *reg_of(PVOID handle)
{
	ULONG_PTR h = (ULONG_PTR)handle;
	ULONG64 id = h >> 4;
	struct ki_cbreg *r;

	if (!handle) {
		ki_violation(ke_current_driver(), "dereg-null",
			     "deregistration of a NULL handle");
		return NULL;
	}
	if ((h & 0xf) != COOKIE_TAG || id == 0 || id > last_id) {
		ki_violation(ke_current_driver(), "dereg-bad",
			     "handle %p was never returned by a registration",
			     handle);
		return NULL;
	}
	r = find_live(match_id, &id);
	if (!r)
		ki_violation(ke_current_driver(), "dereg-double",
			     "handle %p is already deregistered", handle);
	return r;
}

/*
 * WDK. The registration goes at once: a notification in progress skips
 * it from here on. Windows waits for a registration that is running to
 * return, which from inside its own callback is forever: that case is
 * reported, and the registration goes all the same. Returns the driver
 * the registration was charged to (NULL for a bad handle).
 */
struct ke_driver *ki_cb_unregister(PVOID handle, BOOLEAN *was)
{
	struct ki_cbreg *r;
	struct ke_driver *d = NULL;

	cb_enter();
	r = reg_of(handle);
	*was = r != NULL;
	if (r) {
		if (r->calls)
			ki_violation(ke_current_driver(), "dereg-in-callback",
				     "handle %p deregistered from inside its "
				     "own callback (Windows waits for the "
				     "callback to return: deadlock)", handle);
		d = r->driver;
		if (d)
			InterlockedDecrement(&d->registrations);
		r->dead = TRUE;
		if (cb_depth > 1)
			r->obj->dead++;
		else
			reg_free(r);
	}
	cb_leave();
	return d;
}

VOID ExUnregisterCallback(PVOID CallbackRegistration)
{
	BOOLEAN was;

	ki_cb_unregister(CallbackRegistration, &was);
}

/* The registration behind a handle the core made itself, which cannot
 * be bad: no report. */
struct ki_cbreg *ki_cb_reg(PVOID handle)
{
	ULONG64 id = (ULONG_PTR)handle >> 4;

	return find_live(match_id, &id);
}

/* Runs one registration, charged to the driver that made it. */
static VOID call(struct ki_cbreg *r, PVOID a1, PVOID a2)
{
	struct ke_driver *prev = ki_enter(r->driver);

	r->calls++;
	r->fn(r->ctx, a1, a2);
	r->calls--;
	ki_affinity_check(r->driver, "callback");
	ki_leave(prev);
}

/* WDK: every live registration in order, with the same two arguments. */
VOID ExNotifyCallback(PVOID CallbackObject, PVOID Argument1, PVOID Argument2)
{
	PCALLBACK_OBJECT o = CallbackObject;
	PLIST_ENTRY e;
	struct ki_cbreg *r;

	cb_enter();
	if (obj_valid(o) && o->pass)
		o->pass(&o->regs, Argument1, Argument2);
	else if (obj_valid(o))
		for (e = o->regs.Flink; e != &o->regs; e = e->Flink) {
			r = CONTAINING_RECORD(e, struct ki_cbreg, link);
			if (!r->dead)
				call(r, Argument1, Argument2);
		}
	cb_leave();
}

/* Any live registration (on any object) made by d, as a handle. */
PVOID ki_cb_owned(struct ke_driver *d)
{
	struct ki_cbreg *r;

	cb_enter();
	r = find_live(match_driver, d);
	cb_leave();
	return r ? cookie(r->id) : NULL;
}
