#!/usr/bin/env sh
# Print the path of a working python<version> interpreter (default 3.13), or nothing.
# Looks on PATH first (a pyenv shim counts only if it runs), then in pyenv's versions, then /usr/bin.
version="${1:-3.13}"
works() { [ -n "$1" ] && "$1" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$version'.split('.'))))" >/dev/null 2>&1; }
candidate=$(command -v "python$version" 2>/dev/null)
if works "$candidate"; then echo "$candidate"; exit 0; fi
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
for candidate in "$root"/versions/"$version"*/bin/python"$version" /usr/local/bin/python"$version" /usr/bin/python"$version"; do
  if works "$candidate"; then echo "$candidate"; exit 0; fi
done
exit 0
