#!/usr/bin/env bash
# Start clamd with a signature database of its own (the EICAR test signature only; nothing is downloaded) on a Unix
# socket in DIR, wait until it answers, and print the socket path. Usage: .ci/clamd.sh DIR
set -euo pipefail
dir="$(mkdir -p "$1" && cd "$1" && pwd)"
mkdir -p "$dir/db"
# MD5 and size of the 68-byte EICAR test file (https://www.eicar.org), the standard harmless test "virus".
echo "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature" > "$dir/db/eicar.hdb"
cat > "$dir/clamd.conf" <<CONF
LocalSocket $dir/clamd.sock
DatabaseDirectory $dir/db
PidFile $dir/clamd.pid
LogFile $dir/clamd.log
Foreground no
User $(id -un)
StreamMaxLength 60M
CONF
if [ -S "$dir/clamd.sock" ] && [ -f "$dir/clamd.pid" ] && kill -0 "$(cat "$dir/clamd.pid")" 2>/dev/null; then
  echo "$dir/clamd.sock"; exit 0
fi
clamd --config-file="$dir/clamd.conf" >/dev/null
for _ in $(seq 1 60); do
  if [ -S "$dir/clamd.sock" ]; then echo "$dir/clamd.sock"; exit 0; fi
  sleep 0.5
done
echo "clamd did not start; see $dir/clamd.log" >&2
exit 1
