#!/usr/bin/env bash
# Lint: swift-format's rules (configuration in .swift-format) and lines of at most 160 characters, over
# every Swift file of the package (Sources, Tests, Fuzz, Package.swift). Exit status 1 on any finding.
#
# swift-format's pretty printer is not applied (`--debug-disable-pretty-print`): it re-indents argument
# lists that this code base aligns under their opening parenthesis (about 1,800 lines would move), so
# the line-length rule it carries is checked here instead, counting characters as an editor does.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
if ! swift format lint --strict --debug-disable-pretty-print --configuration .swift-format -r Sources Tests Fuzz Package.swift; then
    status=1
fi
# Characters, not bytes (× and – are one character each): grep in a UTF-8 locale.
long=$(LC_ALL=C.UTF-8 grep -rnE --include='*.swift' '^.{161,}' Sources Tests Fuzz Package.swift | cut -d: -f1,2 | sed 's/$/: line longer than 160 characters/' || true)
if [ -n "$long" ]; then
    echo "$long" >&2
    status=1
fi
# Foundation's NSString path methods trap on valid paths on Linux ("a", "a///b//"): PathName instead
# (Sources/Datasets/PathNames.swift says which).
trapping=$(grep -rnE --include='*.swift' 'as NSString\)\.(lastPathComponent|deletingLastPathComponent|pathExtension|deletingPathExtension)' \
    Sources | cut -d: -f1,2 | sed 's/$/: NSString path method that traps on Linux; use PathName/' || true)
if [ -n "$trapping" ]; then
    echo "$trapping" >&2
    status=1
fi
exit $status
