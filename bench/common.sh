# Sourced by the bench/*.sh scripts: sets root (the project), build (first
# argument unless it is an option, default build/; shifted off) and tmp (removed on exit).
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
case "${1:-}" in
  ""|-*) build=$root/build ;;
  *) build=$1; shift ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
