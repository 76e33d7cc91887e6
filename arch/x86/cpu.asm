; cpu.asm: x86 primitives the C code calls (System V calling convention).

bits 64
default rel
section .text

global cpu_rdtsc, cpu_pause, cpu_cpuid, cpu_apic_id
global cpu_rdmsr, cpu_wrmsr, cpu_sidt, cpu_lidt, cpu_cs, cpu_wait_interrupt
global cpu_take_pending, cpu_inb, cpu_inl, cpu_outb, cpu_outl
global cpu_cr0, cpu_cr3, cpu_cr4, cpu_sgdt, cpu_ds
global cpu_irq_save, cpu_irq_restore, cpu_fence

; uint64_t cpu_rdtsc(void)
cpu_rdtsc:
	lfence				; do not let rdtsc run ahead of prior loads
	rdtsc
	shl	rdx, 32
	or	rax, rdx
	ret

; void cpu_pause(void): spin-wait hint, lets a sibling thread run
cpu_pause:
	pause
	ret

; void cpu_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
cpu_cpuid:
	push	rbx
	mov	eax, edi
	mov	ecx, esi
	mov	r8, rdx
	cpuid
	mov	[r8], eax
	mov	[r8 + 4], ebx
	mov	[r8 + 8], ecx
	mov	[r8 + 12], edx
	pop	rbx
	ret

; uint32_t cpu_apic_id(void): this processor's APIC id, as apentry.asm
; reads it (x2APIC id from leaf 0Bh when valid, else CPUID.01h:EBX[31:24])
cpu_apic_id:
	push	rbx
	xor	eax, eax
	cpuid
	cmp	eax, 0Bh
	jb	.legacy
	mov	eax, 0Bh
	xor	ecx, ecx
	cpuid
	test	ebx, ebx
	jz	.legacy
	mov	eax, edx
	pop	rbx
	ret
.legacy:
	mov	eax, 1
	cpuid
	shr	ebx, 24
	mov	eax, ebx
	pop	rbx
	ret

; uint64_t cpu_rdmsr(uint32_t msr)
cpu_rdmsr:
	mov	ecx, edi
	rdmsr
	shl	rdx, 32
	or	rax, rdx
	ret

; void cpu_wrmsr(uint32_t msr, uint64_t value)
cpu_wrmsr:
	mov	ecx, edi
	mov	eax, esi
	mov	rdx, rsi
	shr	rdx, 32
	wrmsr
	ret

; void cpu_sidt(void *desc), void cpu_lidt(const void *desc): 10 bytes
cpu_sidt:
	sidt	[rdi]
	ret
cpu_lidt:
	lidt	[rdi]
	ret

; uint16_t cpu_cs(void), cpu_ds(void): the selectors now in use
cpu_cs:
	mov	ax, cs
	ret
cpu_ds:
	mov	ax, ds
	ret

; void cpu_sgdt(void *desc): 10 bytes
cpu_sgdt:
	sgdt	[rdi]
	ret

; uint64_t cpu_cr0(void), cpu_cr3(void), cpu_cr4(void)
cpu_cr0:
	mov	rax, cr0
	ret
cpu_cr3:
	mov	rax, cr3
	ret
cpu_cr4:
	mov	rax, cr4
	ret

; void cpu_wait_interrupt(void): sleep until an interrupt. STI takes
; effect after the next instruction, so no interrupt slips in between
; and is missed before HLT; interrupts are off again on return.
cpu_wait_interrupt:
	sti
	hlt
	cli
	ret

; uint64_t cpu_irq_save(void): interrupts off; returns RFLAGS before
cpu_irq_save:
	pushfq
	pop	rax
	cli
	ret

; void cpu_irq_restore(uint64_t rflags): interrupts on if they were (IF)
cpu_irq_restore:
	test	edi, 0x200
	jz	.off
	sti
.off:
	ret

; void cpu_fence(void): earlier stores globally visible before what
; follows, a WRMSR to the x2APIC included (its writes do not serialize;
; SDM vol. 3A, "x2APIC Register Address Space")
cpu_fence:
	mfence
	lfence
	ret

; void cpu_take_pending(void): let an interrupt already pending be taken
; (STI's shadow covers the NOP), then turn interrupts off again.
cpu_take_pending:
	sti
	nop
	cli
	ret

; Port I/O (Intel SDM vol. 1, 19.2): the port number in DX.
; uint8_t cpu_inb(uint16_t port), uint32_t cpu_inl(uint16_t port)
cpu_inb:
	mov	edx, edi
	xor	eax, eax
	in	al, dx
	ret
cpu_inl:
	mov	edx, edi
	in	eax, dx
	ret

; void cpu_outb(uint16_t port, uint8_t v), void cpu_outl(uint16_t port,
; uint32_t v)
cpu_outb:
	mov	edx, edi
	mov	eax, esi
	out	dx, al
	ret
cpu_outl:
	mov	edx, edi
	mov	eax, esi
	out	dx, eax
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
