; tick.asm: the interrupt handler of the local-APIC timer tick that wakes
; an idle AP (apic.c). It only acknowledges the interrupt: the AP loop,
; back from HLT, does the work. EOI is a write of 0 to the EOI register,
; an MSR in x2APIC mode, memory-mapped in xAPIC mode.

bits 64
default rel
section .text

global apic_tick_handler
extern apic_x2, apic_mmio

X2APIC_EOI	equ 80Bh
XAPIC_EOI	equ 0B0h

apic_tick_handler:
	push	rax
	push	rcx
	push	rdx
	cmp	byte [apic_x2], 0
	je	.xapic
	mov	ecx, X2APIC_EOI
	xor	eax, eax
	xor	edx, edx
	wrmsr
	jmp	.done
.xapic:
	mov	rax, [apic_mmio]
	mov	dword [rax + XAPIC_EOI], 0
.done:
	pop	rdx
	pop	rcx
	pop	rax
	iretq

section .note.GNU-stack noalloc noexec nowrite progbits
