; trampoline.asm: the first instructions of a processor the simulator
; starts itself (efi/cpu/native.c), from the SIPI to the AP entry in C.
;
; The BSP copies tramp_start..tramp_end to offset 0 of a page below 1 MiB
; and fills the parameter block after it (offsets.h, efi/cpu/tramp.c).
; A SIPI with vector VV starts the processor in real mode at CS = VV00h,
; IP = 0 (Intel SDM vol. 3A, "MP Initialization Example" and "Startup
; IPI"), so every address below is an offset in that page.
;
; The way up is the SDM's, vol. 3A "Switching to Protected Mode" and
; "Initializing IA-32e Mode": GDT and CR0.PE, then far jump; CR4.PAE,
; CR3, EFER.LME, then CR0.PG, then a far jump into a 64-bit code segment.
; At each stage the processor stores a TSC stamp and the stage number in
; its slot, so the BSP can name the last stage of one that dies on the way.
;
; Registers kept from real mode to C: ebp = the page's linear address,
; si/esi/rsi = the processor's slot.

%include "offsets.inc"

; MARK base, stage: stamp the stage in the slot at base; halt there if the
; slot asks to (an injected fault: "the processor dies on the way").
%macro MARK 2
	rdtsc
	mov	[%1 + SLOT_TSC + (%2 - 1) * 8], eax
	mov	[%1 + SLOT_TSC + (%2 - 1) * 8 + 4], edx
	mov	dword [%1 + SLOT_STAGE], %2	; after the stamp (stores in order)
	cmp	dword [%1 + SLOT_STOP_AT], %2
	jne	%%go
%%halt:	cli
	hlt
	jmp	%%halt
%%go:
%endmacro

section .text
global tramp_start, tramp_pm32, tramp_lm64, tramp_end

bits 16
tramp_start:
	cli				; no interrupt until the C loop wants one
	cld
	mov	ax, cs			; CS = VV00h: the page's segment
	mov	ds, ax
	xor	ebp, ebp
	mov	bp, ax
	shl	ebp, 4			; ebp = the page's linear address

	; Who am I? The x2APIC id (CPUID leaf 0Bh) when the leaf exists,
	; else the 8-bit id in CPUID.01h:EBX[31:24]: as cpu_apic_id reads
	; it (cpu.asm), so the BSP's table and the slot agree.
	xor	eax, eax
	cpuid
	cmp	eax, 0Bh
	jb	.legacy
	mov	eax, 0Bh
	xor	ecx, ecx
	cpuid
	test	ebx, ebx		; no processors at level 0: leaf unused
	jnz	.have_id
.legacy:
	mov	eax, 1
	cpuid
	shr	ebx, 24
	mov	edx, ebx
.have_id:
	; Find the slot with this APIC id. None: this processor was not
	; meant to start; it halts, and the BSP names it from its table.
	mov	si, TRAMP_SLOTS
	mov	cx, [TRAMP_COUNT]
.find:
	jcxz	.lost
	cmp	[si + SLOT_APIC], edx
	je	.found
	add	si, SLOT_SIZE
	dec	cx
	jmp	.find
.lost:
	hlt
	jmp	.lost
.found:
	MARK	si, STAGE_REAL

	; Protected mode: load the page's GDT (o32: a 32-bit base), set PE,
	; and far jump to load CS with the flat 32-bit code segment.
	o32 lgdt [TRAMP_GDTR]
	mov	eax, cr0
	or	al, 1			; CR0.PE
	mov	cr0, eax
	jmp	dword far [TRAMP_FAR32]

bits 32
tramp_pm32:
	mov	ax, TRAMP_DATA		; flat data: base 0, limit 4 GiB
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	movzx	esi, si
	add	esi, ebp		; the slot's linear address
	MARK	esi, STAGE_PROTECTED

	; IA-32e mode: PAE (and LA57 as the BSP has it), the BSP's page tables (MOV
	; CR3 in protected mode writes 32 bits: they must lie below 4 GiB),
	; EFER.LME (and NXE if the BSP uses it), then paging on.
	mov	eax, [ebp + TRAMP_CR4]
	mov	cr4, eax
	mov	eax, [ebp + TRAMP_CR3]
	mov	cr3, eax
	mov	ecx, 0xc0000080		; IA32_EFER
	rdmsr
	or	eax, [ebp + TRAMP_EFER]
	wrmsr
	mov	eax, [ebp + TRAMP_CR0]	; PG set: IA-32e mode is now active
	mov	cr0, eax
	jmp	far [ebp + TRAMP_FAR64]	; a code segment with L=1: 64-bit

bits 64
tramp_lm64:
	mov	esi, esi		; upper halves are not defined after the
	mov	ebp, ebp		; switch: zero-extend what we keep
	MARK	rsi, STAGE_LONG
	mov	rax, [rbp + TRAMP_CR4_LONG]	; the rest of the BSP's CR4,
	mov	cr4, rax			; now that long mode allows it

	; Leave the page's GDT for the BSP's, and take the BSP's IDT, so the
	; firmware's exception handlers serve this processor as they serve
	; the BSP (they expect the firmware's selectors).
	lgdt	[rbp + TRAMP_BSP_GDTR]
	lidt	[rbp + TRAMP_BSP_IDTR]
	mov	ax, [rbp + TRAMP_BSP_DS]
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	xor	eax, eax
	mov	fs, ax
	mov	gs, ax
	mov	rsp, [rsi + SLOT_STACK]
	movzx	eax, word [rbp + TRAMP_BSP_CS]
	lea	rdx, [rel .cs_loaded]
	push	rax
	push	rdx
	o64 retf			; CS = the BSP's code selector
.cs_loaded:
	MARK	rsi, STAGE_C

	; The AP entry, as MP Services would call it: Microsoft x64
	; convention, struct cpu * in rcx, 32 bytes of shadow space.
	mov	rcx, [rsi + SLOT_CPU]
	mov	rax, [rbp + TRAMP_ENTRY]
	sub	rsp, 32
	call	rax

	; Its loop was told to stop. Halt here until the BSP sends INIT,
	; which puts the processor back in wait-for-SIPI.
.park:
	cli
	hlt
	jmp	.park
tramp_end:

section .note.GNU-stack noalloc noexec nowrite progbits
