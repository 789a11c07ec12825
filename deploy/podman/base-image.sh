#!/bin/sh
# The Dockerfile's base image made from Debian's packages, for machines that reach Debian and
# PyPI but no registry of container images (CI's):
#   deploy/podman/base-image.sh [IMAGE]        (default localhost/debian-python:bookworm)
# then build with --build-arg PYTHON_IMAGE=IMAGE. Does nothing when IMAGE exists already, made
# by this version of this script.
# The machine's own certificate authorities (/usr/local/share/ca-certificates: a proxy's, a
# company's) go into it, so pip and apt inside the build trust what the machine trusts.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"
image="${1:-localhost/debian-python:bookworm}"

recipe=$(sha256sum "$0" | cut -c1-16)
if [ "$(podman image inspect --format '{{index .Labels "recipe"}}' "$image" 2>/dev/null)" \
    = "$recipe" ]; then
    exit 0
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# python-is-python3 and python3-venv: the Dockerfile runs `python -m venv`, as in Python's own
# images; passwd: it adds the user the roles run as. The merged /usr is made the way debootstrap
# makes it, rather than by usrmerge and the 47 MB of Perl that it brings. Like Debian's own
# images, apt keeps no package or cache files, and dpkg installs no manual pages, documentation
# or translations (the copyright files stay), in this image and in the images built on it.
set -- --variant=minbase \
    --include=python3,python3-venv,python-is-python3,passwd,ca-certificates \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --aptopt='Dir::Cache::pkgcache ""' --aptopt='Dir::Cache::srcpkgcache ""' \
    --aptopt='DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb || true"; }' \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright'
if [ -d /usr/local/share/ca-certificates ]; then
    set -- "$@" \
        --customize-hook='copy-in /usr/local/share/ca-certificates /usr/local/share' \
        --customize-hook='chroot "$1" update-ca-certificates'
fi
mmdebstrap "$@" bookworm "$scratch/rootfs.tar"
podman import --change 'ENV LANG=C.UTF-8' --change 'CMD ["python"]' \
    --change "LABEL recipe=$recipe" "$scratch/rootfs.tar" "$image"
