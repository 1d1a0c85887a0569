#!/bin/sh
# Runs an analysis script with the first Python that can import matplotlib and
# numpy: Debian's /usr/bin/python3 (scripts/deps.sh analysis installs
# python3-matplotlib python3-numpy there), else python3 on PATH. Plots are
# drawn headless (matplotlib's Agg backend).
# usage: analysis/python.sh SCRIPT.py [ARGS...]
#   SCRIPT.py is a path, or the name of a script in analysis/.
# Without such a Python: one line on stderr, exit status 2.
set -u
if [ $# -lt 1 ]; then
    echo "usage: analysis/python.sh SCRIPT.py [ARGS...]" >&2
    exit 2
fi
script=$1
shift
here=$(dirname "$0")
[ -f "$script" ] || [ ! -f "$here/$script" ] || script="$here/$script"
if [ ! -f "$script" ]; then
    echo "analysis: $script: no such script" >&2
    exit 2
fi
tried=""
for py in /usr/bin/python3 python3; do
    path=$(command -v "$py" 2>/dev/null) || path=""
    if [ -n "$path" ] && "$path" -c 'import matplotlib, numpy' >/dev/null 2>&1; then
        MPLBACKEND=Agg PYTHONDONTWRITEBYTECODE=1 exec "$path" "$script" "$@"
    fi
    if [ -z "$path" ]; then
        tried="$tried${tried:+, }$py (not found)"
    elif [ "$path" = "$py" ]; then
        tried="$tried${tried:+, }$py"
    else
        tried="$tried${tried:+, }$py = $path"
    fi
done
echo "analysis: no Python with matplotlib and numpy found (tried: $tried); install them with" \
    "scripts/deps.sh analysis (Debian: python3-matplotlib python3-numpy)" >&2
exit 2
