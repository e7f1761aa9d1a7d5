#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Fetches a Debian kernel for the test VM without installing it, and the
# v4l-utils that fit that kernel, into a persistent cache so reruns are
# fast. Prints the prepared kit's directory:
#
#   KIT/release        kernel release (ABI name), e.g. 6.1.0-56-amd64
#   KIT/version        Debian package version, e.g. 6.1.192-2
#   KIT/vmlinuz        the kernel
#   KIT/kdir           path of the kernel's header tree, for KDIR=
#   KIT/root/lib/modules/RELEASE/...   its modules, as the package ships them
#   KIT/headers/       (6.12 only) the unpacked header packages
#   KIT/v4l/           (6.12 only) trixie's v4l-utils with its own libc
#
# The image has the ABI name and version of the headers, so palmvein.ko
# built against them loads in the guest. 6.1's headers are installed by
# `make deps`; 6.12's are unpacked here, from the bookworm-backports
# metapackage, because their package depends on the kernel image.
#
#   tests/vm/fetch-kernel.sh --kernel 6.1|6.12
set -euo pipefail

CACHE=${PALMVEIN_VM_CACHE:-/var/cache/palmvein-vm}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)

log() { echo "fetch-kernel: $*" >&2; }
die() { log "$*"; exit 1; }

# "PACKAGE VERSION" of the headers for a kernel series: the ABI package
# that linux-headers-amd64 depends on, installed (6.1) or in the
# bookworm-backports package list (6.12).
series_headers() {
	local series=$1 dep
	case "$series" in
	6.1)
		dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
			grep -o 'linux-headers-6\.1\.[^ ,]*-amd64 (= [^)]*)' | head -n 1) || true
		;;
	6.12)
		dep=$(apt-cache show linux-headers-amd64/bookworm-backports 2>/dev/null |
			awk -F': ' '$1 == "Depends" { print $2; exit }' |
			grep -o 'linux-headers-6\.12[^ ,]*-amd64 (= [^)]*)' | head -n 1) || true
		;;
	esac
	[ -n "$dep" ] || return 1
	dep=${dep/ (= / }
	echo "${dep%)}"
}

# apt-get download into the cache unless the .deb is already there.
download() {
	local dest=$1 pkg=$2 ver=$3
	shift 3
	local file
	file="$dest/${pkg}_${ver//:/%3a}_"
	if compgen -G "${file}*.deb" >/dev/null; then
		compgen -G "${file}*.deb" | head -n 1
		return
	fi
	log "downloading $pkg $ver"
	(cd "$dest" && apt-get "$@" -o APT::Sandbox::User=root download -q "$pkg=$ver" >&2) ||
		die "cannot download $pkg=$ver; if the mirror moved on, run 'apt-get update'"
	compgen -G "${file}*.deb" | head -n 1
}

prepare_kernel() {
	local kit=$1 release=$2 version=$3
	local deb tmp
	deb=$(download "$CACHE/debs" "linux-image-$release" "$version")
	tmp="$kit.tmp"
	rm -rf "$tmp"
	mkdir -p "$tmp/root"
	log "extracting $(basename "$deb")"
	dpkg-deb -x "$deb" "$tmp/root"
	mv "$tmp/root/boot/vmlinuz-$release" "$tmp/vmlinuz"
	if [ -d "$tmp/root/usr/lib/modules" ]; then
		mkdir -p "$tmp/root/lib"
		mv "$tmp/root/usr/lib/modules" "$tmp/root/lib/modules"
	fi
	rm -rf "$tmp/root/boot" "$tmp/root/usr"
	[ -d "$tmp/root/lib/modules/$release" ] || die "$deb has no modules for $release"
	# The package leaves modules.dep to its postinst; the guest needs it.
	depmod -b "$tmp/root" "$release"
	echo "$release" >"$tmp/release"
	echo "$version" >"$tmp/version"
}

# The header packages of a kernel unpacked under KIT/headers. The ABI
# package's Makefile includes the common package's by absolute path;
# it is pointed at the unpacked copy. Every other link is relative.
prepare_headers() {
	local kit=$1 release=$2 version=$3
	local base=${release%-amd64} pkg deb
	rm -rf "$kit/headers.tmp"
	mkdir -p "$kit/headers.tmp"
	for pkg in "linux-headers-$release" "linux-headers-$base-common" "linux-kbuild-$base"; do
		deb=$(download "$CACHE/debs" "$pkg" "$version")
		dpkg-deb -x "$deb" "$kit/headers.tmp"
	done
	sed -i "s|^include /usr/src/|include $kit/headers/usr/src/|" \
		"$kit/headers.tmp/usr/src/linux-headers-$release/Makefile"
	mv "$kit/headers.tmp" "$kit/headers"
}

# apt options for a private trixie view of the mirror: its own lists and
# cache under $CACHE, so the host's apt configuration never changes.
trixie_apt_opts() {
	local dir=$1
	printf '%s\n' \
		-o "Dir::Etc::SourceList=$dir/sources.list" \
		-o "Dir::Etc::SourceParts=$dir/sources.list.d" \
		-o "Dir::Etc::Preferences=$dir/preferences" \
		-o "Dir::Etc::PreferencesParts=$dir/preferences.d" \
		-o "Dir::State=$dir/state" \
		-o "Dir::State::status=$dir/state/status" \
		-o "Dir::Cache=$dir/cache" \
		-o "APT::Architecture=amd64"
}

# bookworm's v4l2-compliance 1.22 predates 6.12's V4L2 API; trixie's
# v4l-utils runs on its own libc through its own loader.
prepare_trixie_v4l() {
	local v4l=$1 dir="$CACHE/trixie-apt" mirror pkg ver deb
	local -a opts
	mirror=$("$REPO_DIR/scripts/install-deps.sh" --print-mirror)
	mkdir -p "$dir/sources.list.d" "$dir/preferences.d" \
		"$dir/state/lists/partial" "$dir/cache/archives/partial" "$dir/debs"
	touch "$dir/state/status" "$dir/preferences"
	echo "deb [signed-by=$KEYRING] $mirror trixie main" >"$dir/sources.list"
	mapfile -t opts < <(trixie_apt_opts "$dir")
	log "updating private trixie package lists"
	apt-get "${opts[@]}" update -q >&2
	rm -rf "$v4l.tmp"
	mkdir -p "$v4l.tmp/root"
	for pkg in v4l-utils libv4l-0t64 libv4lconvert0t64 libjpeg62-turbo \
		libc6 libstdc++6 libgcc-s1 libudev1; do
		ver=$(apt-cache "${opts[@]}" show "$pkg" |
			awk -F': ' '$1 == "Version" { print $2; exit }')
		[ -n "$ver" ] || die "trixie has no $pkg"
		deb=$(download "$dir/debs" "$pkg" "$ver" "${opts[@]}")
		dpkg-deb -x "$deb" "$v4l.tmp/root"
	done
	rm -rf "$v4l.tmp/root/usr/share"
	local loader=usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
	[ -e "$v4l.tmp/root/$loader" ] || die "trixie libc6 has no $loader"
	"$v4l.tmp/root/$loader" --library-path "$v4l.tmp/root/usr/lib/x86_64-linux-gnu" \
		"$v4l.tmp/root/usr/bin/v4l2-compliance" --version >&2 ||
		die "trixie v4l2-compliance does not run"
	mv "$v4l.tmp" "$v4l"
}

main() {
	local series=""
	while [ $# -gt 0 ]; do
		case "$1" in
		--kernel) series=$2; shift 2 ;;
		*) die "usage: $0 --kernel 6.1|6.12" ;;
		esac
	done
	case "$series" in
	6.1 | 6.12) ;;
	*) die "usage: $0 --kernel 6.1|6.12" ;;
	esac

	local headers release version kit
	headers=$(series_headers "$series") ||
		die "no $series kernel headers known to apt; run 'make deps'"
	read -r release version <<<"$headers"
	release=${release#linux-headers-}

	mkdir -p "$CACHE/debs" "$CACHE/kernels"
	exec 9>"$CACHE/.lock"
	flock 9

	kit="$CACHE/kernels/$release-$version"
	if [ ! -f "$kit/vmlinuz" ]; then
		prepare_kernel "$kit" "$release" "$version"
		mv "$kit.tmp" "$kit"
	fi
	if [ "$series" = 6.1 ]; then
		echo "/usr/src/linux-headers-$release" >"$kit/kdir"
	else
		[ -d "$kit/headers" ] || prepare_headers "$kit" "$release" "$version"
		echo "$kit/headers/usr/src/linux-headers-$release" >"$kit/kdir"
		[ -d "$kit/v4l" ] || prepare_trixie_v4l "$kit/v4l"
	fi
	echo "$kit"
}

main "$@"
