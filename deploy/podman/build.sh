#!/bin/sh
# Builds the image with podman, no Docker daemon and no registry of base images needed:
#   deploy/podman/build.sh [TAG]               (default localhost/jobboard:latest)
# from the checkout this script is in, on the Debian base of base-image.sh. Layers are kept in
# podman's storage: a second build reinstalls the dependencies only when pyproject.toml changed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"
tag="${1:-localhost/jobboard:latest}"
base="${BASE_IMAGE:-localhost/debian-python:bookworm}"

"$here/base-image.sh" "$base"
# The host's network: the build reaches PyPI and Debian the way the machine does. The build
# stage gets a tag of its own, so that pruning keeps its layers: they are the next build's cache.
build() {
    podman build --network host --build-arg "PYTHON_IMAGE=$base" "$@" "$here/../.."
}
build --target build --tag localhost/jobboard-build:cache
build --tag "$tag"
# What earlier builds left and this one no longer uses.
podman image prune --force >/dev/null
