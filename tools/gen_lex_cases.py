#!/usr/bin/env python3
"""Records how bash splits lines into words, for the unit tests of
crates/pure/src/command/lex.rs: the shell's quoting, escapes and comments follow POSIX
sh for lines without `;`, `|`, `>`, `$`, globs or a leading `!` (our grammar gives those
its own meaning, tested by hand). One case a line: `LINE<TAB>WORDS`, WORDS each written
as [word]; a tab is written ␉ and a newline ␤, in LINE and WORDS alike.

Run from the repository root:
  python3 tools/gen_lex_cases.py > crates/pure/src/command/testdata/lex_words.txt
"""
import subprocess

LINES = [
    "get pods", "  get   pods  ", "get\\tpods", "echo a#b", "echo a # b", "echo #b", "#only", "echo '#'x",
    'echo "a#b"', "echo a\\#b", "echo \\#a", "echo 'a b'", 'echo "a b"', "echo a\\ b", "echo a\\\\b",
    "echo 'a\\b'", 'echo "a\\b"', 'echo "a\\\\b"', 'echo "a\\"b"', "echo a\\'b", "echo ''", 'echo ""',
    'x "" y', "x '' y", "'a'\"b\"c", "echo \"it's\"", "echo 'say \"hi\"'", "a''b", 'a""b', "a'b c'd",
    "echo \\\"", "echo \\a\\b", 'echo "\\a"', 'echo "a\\`b"', 'echo "a\\$b"', "echo 'a\\nb'",
    "label pod x app=web 'tier=front end'", "run x --image=nginx:1.14.2 --labels=a=b,c=d",
    "run x --command -- sh -c 'echo hi; sleep 1'", 'run x -- sh -c "echo \\"hi\\""',
    "get pods -l 'app in (a,b)'", "get pods -l app\\ in\\ \\(a\\)", "describe pod \"my pod\"",
    "echo \"a\nb\"", "echo 'a\nb'", "echo a\\\nb", "é 'ü ö'", "echo a\\ ", "logs x -c c1 --tail=5",
    "echo --x='a b'", "echo -- '--'", "echo \"'\"'\"'", "echo a#", "echo #", "x#y#z", "echo a\\\\#b",
]


def words(line):
    script = 'set -f; eval "set -- $1"; for w; do printf "[%s]" "$w"; done'
    out = subprocess.run(["bash", "-c", script, "bash", line], capture_output=True, text=True, check=True)
    return out.stdout


def main():
    print("# How bash splits these lines into words (tools/gen_lex_cases.py). LINE<TAB>WORDS;")
    print("# a tab is written ␉ and a newline ␤.")
    shown = lambda s: s.replace("\t", "␉").replace("\n", "␤")
    for line in LINES:
        line = line.replace("\\t", "\t") if line == "get\\tpods" else line
        print(f"{shown(line)}\t{shown(words(line))}")


if __name__ == "__main__":
    main()
