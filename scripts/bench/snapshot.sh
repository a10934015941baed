# Sourced by the bench scripts. snapshot_jar JAR copies JAR, with the optional native accelerator that its manifest's
# Class-Path finds next to it, into a temp folder removed on exit, so a rebuild cannot change the jar mid-run and the
# copy runs on the same backends as the original. Sets $snapshot (the copied jar).
snapshot_jar() {
  snapdir=$(mktemp -d)
  trap 'rm -rf "$snapdir"' EXIT
  snapshot=$snapdir/mrt2.jar
  cp "$1" "$snapshot"
  local native
  native=$(dirname "$1")/mrt2-native-linux-x86_64.jar
  if [[ -f "$native" ]]; then
    cp "$native" "$snapdir/"
  fi
}
