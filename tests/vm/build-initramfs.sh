#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds the test VM's initramfs for one kernel kit (see fetch-kernel.sh):
# busybox with its applet links, the in-tree modules of modules.list with
# their dependencies, palmvein.ko when it was built for this kernel, every
# program in BUILD/bin and BUILD/tests/vm with its shared libraries,
# v4l-utils that fit the kernel, the guest init, shell library and tests.
# It is rebuilt on every run (a few seconds) so new binaries are picked up.
#
#   build-initramfs.sh --kit DIR --build DIR --out FILE [--script FILE]
#
# --script replaces the guest test suite by one script (demo, benchmark).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)

log() { echo "build-initramfs: $*" >&2; }
die() { log "$*"; exit 1; }

# Copies a host file to the same path under the staging root.
copy_to_root() {
	local root=$1 file=$2
	[ -e "$root$file" ] && return
	mkdir -p "$root$(dirname "$file")"
	cp -L "$file" "$root$file"
}

# Copies a dynamically linked program's libraries and loader.
copy_libraries() {
	local root=$1 prog=$2 deps lib
	# ldd prints "name => /path (addr)" or "/path (addr)"; it fails on
	# static programs, which need nothing.
	deps=$(ldd "$prog" 2>/dev/null) || return 0
	if grep -q 'not found' <<<"$deps"; then
		die "$prog: missing libraries: $(grep 'not found' <<<"$deps" | tr -s ' \t' ' ')"
	fi
	awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' <<<"$deps" |
		while read -r lib; do
			copy_to_root "$root" "$lib"
		done
}

install_program() {
	local root=$1 prog=$2
	mkdir -p "$root/usr/bin"
	cp -L "$prog" "$root/usr/bin/"
	copy_libraries "$root" "$prog"
}

install_busybox() {
	local root=$1 applet
	mkdir -p "$root/bin"
	cp /bin/busybox "$root/bin/busybox"
	for applet in $(/bin/busybox --list-full); do
		[ -e "$root/$applet" ] && continue
		mkdir -p "$root/$(dirname "$applet")"
		ln -s /bin/busybox "$root/$applet"
	done
}

# Module names from modules.list, plus what palmvein.ko depends on.
wanted_modules() {
	local palmvein_ko=$1
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SCRIPT_DIR/modules.list"
	if [ -f "$palmvein_ko" ]; then
		modinfo -F depends "$palmvein_ko" | tr ',' '\n' | sed '/^$/d'
	fi
}

# Copies the wanted modules and their dependency closure, and writes the
# matching subset of modules.dep for the guest's vm_load_module.
install_modules() {
	local root=$1 kit=$2 release=$3 palmvein_ko=$4
	local moddir="$kit/root/lib/modules/$release" dest="$root/lib/modules/$release"
	mkdir -p "$dest"
	# awk resolves names (dashes and underscores are the same to the
	# kernel) to paths and closes over the dependencies.
	wanted_modules "$palmvein_ko" | awk -v depfile="$moddir/modules.dep" '
		function modname(path,  n) {
			n = path
			sub(/.*\//, "", n)
			sub(/\.ko(\.xz|\.zst|\.gz)?$/, "", n)
			gsub(/-/, "_", n)
			return n
		}
		BEGIN {
			while ((getline line < depfile) > 0) {
				split(line, f, ":")
				path[modname(f[1])] = f[1]
				deps[f[1]] = f[2]
			}
		}
		{
			n = $1
			gsub(/-/, "_", n)
			if (!(n in path))
				next
			p = path[n]
			if (p in seen)
				next
			seen[p] = 1
			print p
			m = split(deps[p], d, " ")
			for (i = 1; i <= m; i++)
				if (!(d[i] in seen)) {
					seen[d[i]] = 1
					print d[i]
				}
		}
	' >"$dest/.wanted"
	local mod
	while read -r mod; do
		mkdir -p "$dest/$(dirname "$mod")"
		cp "$moddir/$mod" "$dest/$mod"
		grep "^$mod:" "$moddir/modules.dep" >>"$dest/modules.dep"
	done <"$dest/.wanted"
	rm "$dest/.wanted"
	cp "$moddir/modules.builtin" "$dest/"

	if [ -f "$palmvein_ko" ]; then
		mkdir -p "$dest/extra"
		cp "$palmvein_ko" "$dest/extra/palmvein.ko"
		local dep line="extra/palmvein.ko:"
		for dep in $(modinfo -F depends "$palmvein_ko" | tr ',' ' '); do
			line+=" $(awk -F: -v n="$dep" '
				{ m = $1; sub(/.*\//, "", m); sub(/\.ko.*/, "", m)
				  gsub(/-/, "_", m); gsub(/-/, "_", n) }
				m == n { print $1; exit }' "$dest/modules.dep")"
		done
		echo "$line" >>"$dest/modules.dep"
		log "palmvein.ko for $release included"
	else
		log "no $palmvein_ko: guest tests of the driver will skip"
	fi
}

# v4l2-ctl and v4l2-compliance under their usual names. 6.12 needs
# trixie's (fetch-kernel.sh unpacked it with its own libc); it runs through
# its own loader so it never mixes with bookworm's libraries.
install_v4l_utils() {
	local root=$1 kit=$2 tool
	local tools=(v4l2-ctl v4l2-compliance media-ctl)
	if [ -d "$kit/v4l" ]; then
		local opt=/opt/v4l-trixie
		mkdir -p "$root$opt" "$root/usr/bin"
		cp -a "$kit/v4l/root/." "$root$opt/"
		rm -rf "$root$opt/usr/lib/x86_64-linux-gnu/gconv"
		for tool in "${tools[@]}"; do
			[ -x "$root$opt/usr/bin/$tool" ] || continue
			cat >"$root/usr/bin/$tool" <<EOF
#!/bin/sh
# trixie's $tool: bookworm's is too old for this kernel
exec $opt/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 \\
	--library-path $opt/usr/lib/x86_64-linux-gnu $opt/usr/bin/$tool "\$@"
EOF
			chmod +x "$root/usr/bin/$tool"
		done
	else
		for tool in "${tools[@]}"; do
			[ -x "/usr/bin/$tool" ] || die "/usr/bin/$tool missing; run 'make deps'"
			install_program "$root" "/usr/bin/$tool"
		done
	fi
}

install_guest_scripts() {
	local root=$1 script=$2
	local lib=$root/usr/lib/palmvein
	mkdir -p "$lib/tests" "$lib/data"
	install -m 755 "$SCRIPT_DIR/guest/init" "$root/init"
	cp -r "$SCRIPT_DIR/data/." "$lib/data/"
	install -m 644 "$SCRIPT_DIR/guest/vm-lib.sh" "$lib/vm-lib.sh"
	if [ -n "$script" ]; then
		install -m 755 "$script" "$lib/tests/$(basename "$script")"
	else
		install -m 755 "$SCRIPT_DIR"/tests/*.sh "$lib/tests/"
	fi
}

main() {
	local kit="" build="" out="" script=""
	while [ $# -gt 0 ]; do
		case "$1" in
		--kit) kit=$2; shift 2 ;;
		--build) build=$2; shift 2 ;;
		--out) out=$2; shift 2 ;;
		--script) script=$2; shift 2 ;;
		*) die "unknown argument $1" ;;
		esac
	done
	if [ -z "$kit" ] || [ -z "$build" ] || [ -z "$out" ]; then
		die "usage: $0 --kit DIR --build DIR --out FILE [--script FILE]"
	fi

	local release root prog
	release=$(cat "$kit/release")
	root="$out.d"
	rm -rf "$root"
	mkdir -p "$root"/{dev,proc,sys,tmp,run,out,etc,usr/bin}

	install_busybox "$root"
	install_modules "$root" "$kit" "$release" "$build/modules/$release/palmvein.ko"
	for prog in "$build"/bin/* "$build"/tests/vm/*; do
		if [ -f "$prog" ] && [ -x "$prog" ]; then
			install_program "$root" "$prog"
		fi
	done
	install_v4l_utils "$root" "$kit"
	install_guest_scripts "$root" "$script"
	echo "$release" >"$root/etc/palmvein-kernel"

	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$root"
	log "$out: $(du -h "$out" | cut -f1)"
}

main "$@"
