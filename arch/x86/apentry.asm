; apentry.asm: the first code the simulator runs on an application processor.
;
; MP Services' StartupThisAP calls it as an EFI_AP_PROCEDURE (Microsoft
; x64 calling convention) with the processor's struct cpu * in rcx; the
; native start's trampoline (trampoline.asm) calls it the same way. It
; records, before any other C runs, what the processor says about itself:
; the time it arrived, its APIC id and its CPUID signature. Then it hands
; its struct cpu * to ap_main (efi/cpu/ap.c), also ms_abi.

%include "offsets.inc"

bits 64
default rel
section .text

global ap_entry
extern ap_main, cpu_rdtsc, cpu_apic_id

; rbx, r12 and r13 are callee-saved in either ABI, and three
; pushes after the return address leave rsp 16-byte aligned; 32 bytes of
; shadow space for the ms_abi callees (cpu_* are System V: they need none
; and clobber only rax, rcx, rdx).
ap_entry:
	push	rbx			; cpuid clobbers rbx
	push	r12
	push	r13
	sub	rsp, 32
	mov	r12, rcx		; struct cpu *
	call	cpu_rdtsc		; first, so it is the arrival time
	mov	r13, rax
	call	cpu_apic_id
	mov	[r12 + CPU_APIC], eax
	mov	[r12 + CPU_TSC_ENTRY], r13
	mov	eax, 1			; leaf 01h: EAX = signature
	cpuid
	mov	[r12 + CPU_SIGNATURE], eax
	mov	rcx, r12
	call	ap_main

	add	rsp, 32
	pop	r13
	pop	r12
	pop	rbx
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
