"""Drives an interactive psql through a pseudo-terminal and prints, for each
case, the line as Tab completion left it (and the alternatives that a second
Tab lists). Connection details come from the PG* environment variables.
TestPsqlTabCompletion compares this output between Lattice and PostgreSQL."""
import os
import pty
import re
import select
import sys
import time

CASES = [
    "SELECT * FROM tab_check.tab_o\t",
    "SELECT * FROM tab_check.tab_orders WHERE ord\t\t",
    "\\d tab_check.tab_or\t",
    "SELECT * FROM tab_check.\t\t",
]

# Terminal control: escape sequences, carriage returns and the bell that
# an ambiguous completion rings.
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|[\r\x07\x08]")


def read_until_quiet(fd, quiet=0.7, limit=20.0):
    """Reads until nothing arrives for `quiet` seconds (or `limit` passes)."""
    out = b""
    end = time.time() + limit
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], quiet)
        if not r:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    return out


def read_until(fd, marker, limit=20.0):
    """Reads until marker has arrived (or `limit` passes)."""
    out = b""
    end = time.time() + limit
    while marker not in out and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
    return out


def run(case):
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp("psql", ["psql", "-X", "-v", "PROMPT1=%% ", "-v", "PROMPT2=%% "])
    read_until(fd, b"% ")
    # Each Tab goes alone, once psql has answered the one before.
    shown = b""
    for part in case.split("\t")[:-1]:
        os.write(fd, part.encode() + b"\t")
        shown += read_until_quiet(fd)
    os.write(fd, b"\x03")
    read_until_quiet(fd, quiet=0.3)
    os.write(fd, b"\\q\n")
    read_until_quiet(fd, quiet=0.3, limit=5)
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    text = ANSI.sub(b"", shown).decode(errors="replace")
    return "\n".join(line.rstrip() for line in text.split("\n") if line.strip())


def main():
    for case in CASES:
        print("CASE " + case.replace("\t", "<TAB>"))
        print(run(case))
    sys.stdout.flush()


main()
