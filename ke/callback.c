/*
 * callback.c: executive callback objects (WDK: ExCreateCallback,
 * ExRegisterCallback, ExUnregisterCallback, ExNotifyCallback).
 *
 * Windows delivers processor-add notifications through one such object,
 * \Callback\ProcessorAdd; KeRegisterProcessorChangeCallback is a thin
 * wrapper over it (observed Windows behaviour (RE)). Objects are used
 * from one processor at a time; the processor-add one only under the
 * dynamic-processor lock.
 *
 * Handles are not pointers but numbered cookies, so a stale or doubly
 * freed handle is recognised without touching freed memory. A
 * registration removed while its object is notifying is only marked
 * dead; it is unlinked and freed when the last notification ends.
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
	ULONG busy;			/* notifications in progress */
	ULONG dead;			/* registrations left to free */
	BOOLEAN multiple;
	BOOLEAN used;
	ki_pass_fn *pass;		/* NULL: call each function directly */
};

static struct _CALLBACK_OBJECT objs[NOBJ];
static ULONG64 last_id;

VOID ki_cb_init(VOID)
{
	__builtin_memset(objs, 0, sizeof(objs));
	last_id = 0;
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

/* WDK: opens the named object, creating it if asked and absent. An
 * unnamed object can only be created. */
NTSTATUS ExCreateCallback(PCALLBACK_OBJECT *CallbackObject,
			  POBJECT_ATTRIBUTES ObjectAttributes, BOOLEAN Create,
			  BOOLEAN AllowMultipleCallbacks)
{
	PUNICODE_STRING name = ObjectAttributes ?
			       ObjectAttributes->ObjectName : NULL;
	PCALLBACK_OBJECT o = NULL;

	if (!CallbackObject)
		return STATUS_INVALID_PARAMETER;
	if (name && name->Length)
		o = obj_find(name);
	if (!o && !Create)
		return STATUS_OBJECT_NAME_NOT_FOUND;
	if (!o)
		o = obj_new(name, AllowMultipleCallbacks);
	if (!o)
		return STATUS_INSUFFICIENT_RESOURCES;
	*CallbackObject = o;
	return STATUS_SUCCESS;
}

static BOOLEAN obj_valid(PCALLBACK_OBJECT o)
{
	return o >= objs && o < objs + NOBJ && o->used;
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
PVOID ExRegisterCallback(PCALLBACK_OBJECT CallbackObject,
			 PCALLBACK_FUNCTION CallbackFunction,
			 PVOID CallbackContext)
{
	struct ki_cbreg *r;

	if (!obj_valid(CallbackObject) || !CallbackFunction)
		return NULL;
	if (!CallbackObject->multiple &&
	    find_live(match_obj, CallbackObject))
		return NULL;
	r = ki_alloc(NULL, sizeof(*r), POOL_TAG);
	if (!r)
		return NULL;
	r->obj = CallbackObject;
	r->fn = CallbackFunction;
	r->ctx = CallbackContext;
	r->driver = ke_current_driver();
	r->id = ++last_id;
	r->dead = FALSE;
	InsertTailList(&CallbackObject->regs, &r->link);
	if (r->driver)
		InterlockedIncrement(&r->driver->registrations);
	return cookie(r->id);
}

/* The live registration behind a handle, or NULL after reporting why
 * the handle is bad (Windows: undefined behaviour). */
struct ki_cbreg *ki_cb_reg(PVOID handle)
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

static VOID reg_free(struct ki_cbreg *r)
{
	RemoveEntryList(&r->link);
	ki_free(r, POOL_TAG);
}

/* A pass over an object is running: frees are deferred until it ends. */
VOID ki_cb_hold(PCALLBACK_OBJECT obj)
{
	obj->busy++;
}

/* Every pass ends here: the list is walked only if something died. */
VOID ki_cb_release(PCALLBACK_OBJECT obj)
{
	PLIST_ENTRY e, next;
	struct ki_cbreg *r;

	if (--obj->busy || !obj->dead)
		return;
	obj->dead = 0;
	for (e = obj->regs.Flink; e != &obj->regs; e = next) {
		next = e->Flink;
		r = CONTAINING_RECORD(e, struct ki_cbreg, link);
		if (r->dead)
			reg_free(r);
	}
}

VOID ExUnregisterCallback(PVOID CallbackRegistration)
{
	struct ki_cbreg *r = ki_cb_reg(CallbackRegistration);

	if (!r)
		return;
	if (r->driver)
		InterlockedDecrement(&r->driver->registrations);
	r->dead = TRUE;
	if (!r->obj->busy)
		reg_free(r);
	else
		r->obj->dead++;
}

/* Runs one registration, charged to the driver that made it. */
static VOID call(struct ki_cbreg *r, PVOID a1, PVOID a2)
{
	struct ke_driver *prev = ki_enter(r->driver);

	r->fn(r->ctx, a1, a2);
	ki_leave(prev);
}

VOID ExNotifyCallback(PVOID CallbackObject, PVOID Argument1, PVOID Argument2)
{
	PCALLBACK_OBJECT o = CallbackObject;
	PLIST_ENTRY e;
	struct ki_cbreg *r;

	if (!obj_valid(o))
		return;
	ki_cb_hold(o);
	if (o->pass)
		o->pass(&o->regs, Argument1, Argument2);
	else
		for (e = o->regs.Flink; e != &o->regs; e = e->Flink) {
			r = CONTAINING_RECORD(e, struct ki_cbreg, link);
			if (!r->dead)
				call(r, Argument1, Argument2);
		}
	ki_cb_release(o);
}

/* Any live registration (on any object) made by d, as a handle. */
PVOID ki_cb_owned(struct ke_driver *d)
{
	struct ki_cbreg *r = find_live(match_driver, d);

	return r ? cookie(r->id) : NULL;
}
