#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Installs every Debian package palmvein needs to build and test, on a fresh
# Debian 12 (bookworm), as root. Idempotent and non-interactive; it does
# nothing but a few dpkg queries when everything is already there.
#
# The 6.12 test kernel comes from bookworm-backports. Backports are added
# with the mirror URI the machine already uses for bookworm, so no mirror
# host is written down anywhere. Its headers are not installed here: their
# package depends on the kernel image, so tests/vm/fetch-kernel.sh unpacks
# both into its cache instead.
#
#   scripts/install-deps.sh                install what is missing
#   scripts/install-deps.sh --print-mirror print the bookworm mirror URI
set -euo pipefail

# One package per line; append what your area needs.
PACKAGES=(
	build-essential
	pkg-config
	check
	libusb-1.0-0-dev
	libudev-dev
	libsystemd-dev
	libturbojpeg0-dev
	nettle-dev
	zlib1g-dev
	qemu-system-x86
	busybox-static
	linux-source-6.1
	sparse
	dkms
	debootstrap
	clang
	llvm
	lld
	v4l-utils
	cpio
	xz-utils
	zstd
	kmod
	imagemagick
	shellcheck
	# make check-cross: libpalmvein compiled for arm64 kiosks
	gcc-aarch64-linux-gnu
	libc6-dev-arm64-cross
	# headers of the 6.1 test kernel (bookworm / bookworm-security)
	linux-headers-amd64
	# the 6.12 headers' kbuild runs it for module BTF
	pahole
)

BACKPORTS_FILE=/etc/apt/sources.list.d/palmvein-backports.sources
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

log() { echo "install-deps: $*" >&2; }

# Prints "URI SUITE" for every enabled deb source, one-line and deb822.
list_apt_sources() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		# deb [opts] URI SUITE COMPONENTS...
		sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" |
			awk '$1 == "deb" && NF >= 3 { print $2, $3 }'
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk '
			function flush(  i, j, nu, ns, u, s) {
				if (types ~ /(^| )deb( |$)/ && enabled != "no") {
					nu = split(uris, u, " ")
					ns = split(suites, s, " ")
					for (i = 1; i <= nu; i++)
						for (j = 1; j <= ns; j++)
							print u[i], s[j]
				}
				types = uris = suites = enabled = ""
			}
			/^[[:space:]]*#/ { next }
			/^[[:space:]]*$/ { flush(); next }
			{
				key = tolower($1)
				sub(/^[^:]*:[[:space:]]*/, "")
				if (key == "types:") types = $0
				else if (key == "uris:") uris = $0
				else if (key == "suites:") suites = $0
				else if (key == "enabled:") enabled = tolower($0)
			}
			END { flush() }
		' "$f"
	done
}

# The URI that serves the bookworm suite: backports and the test VM's
# trixie tools come from the same mirror.
bookworm_mirror_uri() {
	local uri
	uri=$(list_apt_sources | awk '$2 == "bookworm" { print $1; exit }')
	if [ -z "$uri" ]; then
		log "no apt source serves the bookworm suite; is this Debian 12?"
		return 1
	fi
	echo "${uri%/}"
}

have_backports() {
	list_apt_sources | awk '$2 == "bookworm-backports" { found = 1 } END { exit !found }'
}

add_backports() {
	local uri
	uri=$(bookworm_mirror_uri)
	log "adding bookworm-backports from $uri"
	cat >"$BACKPORTS_FILE" <<EOF
# Added by palmvein scripts/install-deps.sh for the 6.12 test kernel.
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: $KEYRING
EOF
}

is_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]
}

main() {
	if [ "${1:-}" = "--print-mirror" ]; then
		bookworm_mirror_uri
		return
	fi
	if [ "$(id -u)" -ne 0 ]; then
		log "must run as root"
		return 1
	fi

	local missing=() pkg
	for pkg in "${PACKAGES[@]}"; do
		is_installed "$pkg" || missing+=("$pkg")
	done
	if [ ${#missing[@]} -eq 0 ] && have_backports; then
		log "all packages present"
		return
	fi

	have_backports || add_backports
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q

	local apt_opts=(-y -q --no-install-recommends
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
	# A kernel image on the host would be useless (tests boot Debian kernels
	# in QEMU) and slow; refuse rather than install one.
	if apt-get -s install "${apt_opts[@]}" "${missing[@]}" | grep -q '^Inst linux-image-'; then
		log "refusing: the package set would install a kernel image"
		return 1
	fi
	log "installing: ${missing[*]}"
	apt-get install "${apt_opts[@]}" "${missing[@]}"
}

main "$@"
