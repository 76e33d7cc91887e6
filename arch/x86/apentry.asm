; apentry.asm: the first code the simulator runs on an application processor.
;
; MP Services calls it as an EFI_AP_PROCEDURE (Microsoft x64 calling
; convention), with its one argument in rcx, by one of two doors:
;  - ap_entry: StartupThisAP (a hot-add, or a restart after `check`) names
;    the processor, and passes its struct cpu *;
;  - ap_entry_all: the boot start is one StartupAllAPs, whose argument is
;    the same for every AP (PI spec, Vol. 2, StartupAllAPs): the struct
;    machine *, in which each AP finds its slot by its APIC id (ap_find,
;    efi/cpu/ap.c). One that finds none returns to the firmware at once.
; Either way it records, before any other C runs, what the processor says
; about itself: the time it arrived, its APIC id and its CPUID signature.
; Then it hands its struct cpu * to ap_main (efi/cpu/ap.c), also ms_abi.

%include "offsets.inc"

bits 64
default rel
section .text

global ap_entry, ap_entry_all
extern ap_main, ap_find, cpu_rdtsc, cpu_apic_id

; Both doors: rbx, r12 and r13 are callee-saved in either ABI, and three
; pushes after the return address leave rsp 16-byte aligned; 32 bytes of
; shadow space for the ms_abi callees (cpu_* are System V: they need none
; and clobber only rax, rcx, rdx).
%macro arrive 0
	push	rbx			; cpuid clobbers rbx
	push	r12
	push	r13
	sub	rsp, 32
	mov	r12, rcx		; the argument
	call	cpu_rdtsc		; first, so it is the arrival time
	mov	r13, rax
	call	cpu_apic_id
%endmacro

ap_entry:
	arrive
	jmp	found			; r12 = struct cpu *

ap_entry_all:
	arrive
	mov	ebx, eax		; keep the APIC id
	mov	rcx, r12		; struct machine *
	mov	edx, eax
	call	ap_find
	test	rax, rax
	jz	back			; no slot: ap_find counted it
	mov	r12, rax		; struct cpu *
	mov	eax, ebx

found:					; r12 = struct cpu *, r13 = TSC, eax = APIC id
	mov	[r12 + CPU_APIC], eax
	mov	[r12 + CPU_TSC_ENTRY], r13
	mov	eax, 1			; leaf 01h: EAX = signature
	cpuid
	mov	[r12 + CPU_SIGNATURE], eax
	mov	rcx, r12
	call	ap_main

back:
	add	rsp, 32
	pop	r13
	pop	r12
	pop	rbx
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
