; apentry.asm: the first code the simulator runs on an application processor.
;
; MP Services calls it as an EFI_AP_PROCEDURE (Microsoft x64 calling
; convention), with a pointer to the processor's struct cpu in rcx. It
; records, before any C runs, what the processor says about itself: the
; time it arrived, its CPUID signature and its APIC id. Then it hands the
; same pointer to ap_main (efi/cpu/ap.c), also an ms_abi function.

%include "offsets.inc"

bits 64
default rel
section .text

global ap_entry
extern ap_main, cpu_rdtsc, cpu_apic_id

ap_entry:
	push	rbx			; cpuid clobbers rbx
	push	r12			; both callee-saved in either ABI
	mov	r12, rcx		; struct cpu *

	call	cpu_rdtsc		; clobbers rax, rdx only
	mov	[r12 + CPU_TSC_ENTRY], rax

	mov	eax, 1			; leaf 01h: EAX = signature
	cpuid
	mov	[r12 + CPU_SIGNATURE], eax

	call	cpu_apic_id		; clobbers rax, rcx, rdx only
	mov	[r12 + CPU_APIC], eax

	mov	rcx, r12
	sub	rsp, 40			; shadow space + realign to 16
	call	ap_main
	add	rsp, 40
	pop	r12
	pop	rbx
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
