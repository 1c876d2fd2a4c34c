# Sourced by the bench/*.sh scripts: sets root (the project), build (first
# argument, default build/; shifted off) and tmp (removed on exit).
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
[ $# -gt 0 ] && shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
