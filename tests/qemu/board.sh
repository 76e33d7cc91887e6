# board.sh: what a real board sees (sourced by tests/run): the image
# booted as a USB stick, and the transcript read back from it.

# mread FILE: a file of the EFI System partition of $IMG (1 MiB in)
mread() {
	mtype -i "$IMG@@1M" "::$1" 2>/dev/null | tr -d '\r'
}

# The image `make image` writes, booted as a USB stick; the log read back.
case_usb_stick_log() {
	LOG=$Q/usb_log.log
	IMG=build/usbimg/hotadd.img
	make -s image B=build/usbimg HOLD=2 ARGS="--trace --batch" \
		DEMO="load log; add next" >/dev/null ||
		{ fail "make image failed"; return; }
	tools/qemu --smp 4 --disk $IMG --usb --timeout $BOOT_TIMEOUT \
		--log $LOG.raw </dev/null || fail "QEMU exited with $?"
	clean_log $LOG.raw $LOG
	expect '^@exit status=0x00000000$'
	expect '^transcript saved to \\EFI\\hotadd\\hotadd.log \([0-9]+ bytes\)$'
	saved=$Q/usb_log.saved
	mread /EFI/hotadd/hotadd.log > $saved.t
	sed -E '/^@/s/ t=[0-9]+$//' $saved.t > $saved
	grep -q '^@ready active=2 held=2 max=4$' $saved &&
		grep -q '^@add mp=2 nt=2 status=0x00000000 active=3 method=mp$' $saved &&
		grep -q '^@exit status=0x00000000$' $saved ||
		fail "the log read back from the stick lacks the session's lines"
}

case_read_only_stick() {
	boot read_only 2 "--trace --batch --hold 1
save
echo still here" --usb --readonly
	expect '^@error cannot write \\EFI\\hotadd\\hotadd.log: the volume is write-protected \(status 8000000000000008\)$'
	expect '^still here$'
	expect_count 2 '^@error cannot write'
}

case_self_check() {
	boot self_check 4 "--trace --batch --hold 1 --check
add next
check
ipi"
	# once at boot, once at runtime with the AP loops paused
	expect_count 2 '^@checked pass=18 fail=0$'
	expect_count 2 '^@progress what=check done=6 of=6$'
	expect_count 36 '^@check id=[a-zA-Z-]+ result=pass '
	expect_none 'result=fail'
	# the loops came back: every processor answers the broadcast
	expect_order '^@checked' '^@add mp=3 nt=3 status=0x00000000 active=4 method=mp$' \
		'^@checked' '^@ipi count=4 ran=0,1,2,3$'
}

case_self_check_alone() {
	boot self_check_alone 1 "--trace --batch --check
check"
	expect '^  \(no enabled AP: the AP checks are skipped\)$'
	expect_count 2 '^@checked pass=5 fail=0$'
}

# A boot volume with no byte free: `save` and the --batch save each get
# one error line, and the session goes on. The filler is as large as the
# free space of the same image made without it.
case_full_volume() {
	config="--trace --batch --hold 1
save
echo still here"
	tools/mkimg $Q/full0.img build/hotadd.efi "$config" "" ||
		{ fail "mkimg"; return; }
	free=$(mdir -i $Q/full0.img@@1M ::/ | sed -n 's/ bytes free//p' |
		tr -d ' ')
	rm -f $Q/full0.img $Q/filler
	truncate -s "$free" $Q/filler
	FILES=$Q/filler KEEP=1 boot full_volume 2 "$config"
	rm -f $Q/filler
	[ -z "$(mdir -i $IMG@@1M ::/ | sed -n 's/ bytes free//p' | tr -d ' 0')" ] ||
		fail "the volume was not full"
	rm -f $IMG
	expect_count 2 '^@error cannot write \\EFI\\hotadd\\hotadd.log: the volume is full \(status [0-9a-f]+\)$'
	expect_order '^@error cannot write' '^still here$' '^@exit status=0x00000000$'
}
