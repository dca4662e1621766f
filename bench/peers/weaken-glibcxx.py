#!/usr/bin/env python3
"""Marks one symbol-version need of an ELF shared library weak, in place (bench build step only, never the product).

TorchSharp 0.107's libLibTorchSharp.so was linked against GCC 13's libstdc++ and asks for GLIBCXX_3.4.32, which
Debian 12's libstdc++ 6.0.30 lacks, so the library fails to load. The only symbol of that version it names is
std::ios_base_library_init(), which GCC 13 references from every file that includes <iostream> only to pull in
the library's stream initialisation (nothing calls it through a relocation), so a weak version need (VER_FLG_WEAK
in its Vernaux entry, ELF gABI "Symbol Versioning") lets the dynamic loader accept the older libstdc++.
Usage: weaken-glibcxx.py LIBRARY [VERSION]   (VERSION defaults to GLIBCXX_3.4.32; a no-op when absent or done)
"""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def weaken(path, version):
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            sys.exit(f"{path}: not a 64-bit little-endian ELF file")
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        changed = 0
        for (_, sh_type, _, _, offset, _, link, info, _, _) in sections:
            if sh_type != SHT_GNU_VERNEED:
                continue
            strtab = sections[link][4]
            entry = offset
            for _ in range(info):
                _, count, _, aux, nxt = struct.unpack_from("<HHIII", data, entry)
                a = entry + aux
                for _ in range(count):
                    _, flags, _, name, anext = struct.unpack_from("<IHHII", data, a)
                    end = data.index(b"\0", strtab + name)
                    if data[strtab + name:end].decode() == version and not flags & VER_FLG_WEAK:
                        struct.pack_into("<H", data, a + 4, flags | VER_FLG_WEAK)
                        changed += 1
                    a += anext
                entry += nxt
        if changed:
            f.seek(0)
            f.write(data)
        print(f"{path}: {version} {'marked weak' if changed else 'already weak or not needed'}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    weaken(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "GLIBCXX_3.4.32")
