; switch.asm: hand the running code from one stack to another, for the
; thread that changes processors (efi/cpu/affinity.c).
;
; void cpu_switch(uint64_t *save, uint64_t load)
;
; Pushes the registers the System V ABI makes callee-saved (rbx, rbp,
; r12-r15), stores the stack pointer in *save, loads `load` and pops the
; same registers from it: the call returns where the code that saved
; `load` called cpu_switch, possibly on another processor. A new
; context is a stack holding six register words and then the address
; to "return" to (SWITCH_FRAME words, below). Nothing else travels: the
; caller-saved registers are dead across a call, the image uses no
; vector registers (-mgeneral-regs-only), and RFLAGS (IF above all)
; stays with each processor.

%include "offsets.inc"

bits 64
default rel
section .text

global cpu_switch, cpu_park_on

cpu_switch:
	push	rbx
	push	rbp
	push	r12
	push	r13
	push	r14
	push	r15
	mov	[rdi], rsp
	mov	rsp, rsi
	pop	r15
	pop	r14
	pop	r13
	pop	r12
	pop	rbp
	pop	rbx
	ret

; void cpu_park_on(uint64_t rsp): halt for ever on the stack given, with
; interrupts taken there (an AP that stops while it runs the thread must
; leave the thread's stack to the BSP).
cpu_park_on:
	mov	rsp, rdi
	and	rsp, -16
.halt:
	sti
	hlt
	cli
	jmp	.halt

; No executable stack wanted (the linker warns without this note).
section .note.GNU-stack noalloc noexec nowrite progbits
