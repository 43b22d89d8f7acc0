#!/bin/sh
# Runs a command where a Secret Service (the OS keychain keytar talks to) is
# reachable. With a D-Bus session already there (a desktop), the command runs
# as is. Without one (CI, a container, ssh), it runs under a private D-Bus
# session with a throwaway gnome-keyring, unlocked with a random password and
# kept in a temporary folder, so no test ever touches a person's keyring.
#
#   scripts/with-keyring.sh vitest run
set -u

if [ "$#" -eq 0 ]; then
  echo "usage: $0 command [args...]" >&2
  exit 2
fi

if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  exec "$@"
fi

for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$0: $tool not found; the keychain tests need a Secret Service: apt-get install gnome-keyring dbus" >&2
    exit 1
  fi
done

LADING_KEYRING_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lading-keyring.XXXXXX") || exit 1
LADING_KEYRING_PASSWORD=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
export LADING_KEYRING_DIR LADING_KEYRING_PASSWORD

# The daemon forks into the background of the private session and dies with it.
dbus-run-session -- sh -c '
  printf "%s" "$LADING_KEYRING_PASSWORD" |
    XDG_DATA_HOME="$LADING_KEYRING_DIR" gnome-keyring-daemon --unlock --components=secrets >/dev/null
  unset LADING_KEYRING_PASSWORD
  exec "$@"
' sh "$@"
status=$?
rm -rf "$LADING_KEYRING_DIR"
exit $status
