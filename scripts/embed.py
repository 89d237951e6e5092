#!/usr/bin/env python3
"""Embeds files into the binary at build time: writes a C file defining
`const EmbedFile SYMBOL[]` (name = path relative to --root, data, length),
terminated by an entry with a NULL name. Used for migrations, CSS, htmx and
the message catalogs, so the one binary needs no files beside it."""
import os
import sys


def main():
    out, symbol, root = sys.argv[1], sys.argv[2], sys.argv[3]
    files = sys.argv[4:]
    lines = ['#include "embed.h"', ""]
    entries = []
    def name_of(path):
        rel = os.path.relpath(path, root)
        # Files from outside the root (htmx from node_modules) keep their base name.
        return os.path.basename(path) if rel.startswith("..") else rel.replace(os.sep, "/")

    for i, path in enumerate(sorted(files, key=name_of)):
        with open(path, "rb") as f:
            data = f.read()
        name = name_of(path)
        chunks = []
        for j in range(0, len(data), 20):
            chunks.append("".join("0x%02x," % b for b in data[j:j + 20]))
        lines.append("static const unsigned char d%d[] = {%s 0};" % (i, "\n".join(chunks)))
        entries.append('    {"%s", d%d, %d},' % (name, i, len(data)))
    lines.append("const EmbedFile %s[] = {" % symbol)
    lines.extend(entries)
    lines.append("    {0, 0, 0},")
    lines.append("};")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
