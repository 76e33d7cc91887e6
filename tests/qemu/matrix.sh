# matrix.sh: topologies from 1 to 64 processors (sourced by tests/run).
# Adding every held processor ends with all of them active and the
# maximum count what it was at boot.

# add_all NAME SMP "OPTIONS" ACTIVE HELD [METHOD]: boot, add all, check
# the counts and that every add used METHOD (mp unless given)
add_all() {
	total=$(($4 + $5))
	boot "$1" "$2" "--trace --batch $3
load log
cpus
add all
cpus"
	expect "^@ready active=$4 held=$5 max=$total$"
	expect_order "^@count active=$4 max=$total " \
		"^@add mp=[0-9]+ nt=$(($total - 1)) status=0x00000000 active=$total method=${6:-mp}$" \
		"^@count active=$total max=$total "
	expect_count "$5" "^@add .* status=0x00000000 active=[0-9]+ method=${6:-mp}$"
	expect_none 'INVARIANT|^@verifier|^@error'
}

case_matrix_2() { add_all matrix2 2 "--hold 1" 1 1; }
case_matrix_4() { add_all matrix4 4 "--hold 3" 1 3; }

case_matrix_8_hold_package() {
	add_all matrix8 'sockets=2,cores=2,threads=2' "--hold-package 1" 4 4
	# held at boot and in the table before the adds
	expect_count 8 '^@cpu mp=[4-7] .*package=1 .*state=held'
}

case_matrix_16_groups() {
	add_all matrix16 16 "--hold 8 --group-size 4" 8 8
	expect '^@count active=16 max=16 groups=4$'
}

# 80 processors in two packages of 40, default group size: two groups of
# 40 (a package stays whole in a group), not 64 + 16; index 40 is 1:0.
case_matrix_80_two_packages() {
	add_all matrix80 'sockets=2,cores=40' "--hold 16 --quiet" 64 16
	expect '^@cpu mp=40 .*package=1 .*state=online .*group=1 number=0 source=boot$'
	expect '^@cpu mp=79 .*package=1 .*state=held .*group=1 number=39 source=boot$'
	expect "^@notify drv=log state=complete nt=64 group=1 number=24 status=0x00000000 "
	expect '^@count active=80 max=80 groups=2$'
}

case_hold_package_with_bsp() {
	boot hold_package_bsp 'sockets=2,cores=2,threads=1' \
		"--trace --batch --hold-package 0,7"
	expect '^--hold-package 0: the BSP is in it and stays active$'
	expect '^@error --hold-package: there is no package 7$'
	expect '^@cpu mp=1 .*package=0 .*state=held'
	expect '^@ready active=3 held=1 max=4$'
}
