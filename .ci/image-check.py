"""Checks a saved container image (`podman image save --format docker-archive`) of teamform.

The image's file system must hold only the teamform binary and the directories leading to it
(no shell, no libc, nothing else), that binary must be statically linked (an ELF with no
program interpreter and no shared library it needs), and the image must run it as a non-root
user. Prints what it found; exits 1 with the reasons on any failure. The binary is written to
the path given as the second argument, so the caller can also run it.

Usage: python3 .ci/image-check.py IMAGE.tar OUT_BINARY
"""

import io
import json
import struct
import sys
import tarfile

BINARY = "usr/local/bin/teamform"
ALLOWED_DIRS = {"usr", "usr/local", "usr/local/bin"}
PT_DYNAMIC, PT_INTERP, DT_NEEDED = 2, 3, 1


def elf_links(data):
    """The program interpreter and the DT_NEEDED count of a 64-bit little-endian ELF file."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    interp, needed = None, 0
    for i in range(phnum):
        p_type, _flags, p_offset, _vaddr, _paddr, p_filesz = struct.unpack_from(
            "<IIQQQQ", data, phoff + i * phentsize
        )
        if p_type == PT_INTERP:
            interp = data[p_offset : p_offset + p_filesz].rstrip(b"\0").decode()
        elif p_type == PT_DYNAMIC:
            for off in range(p_offset, p_offset + p_filesz, 16):
                tag, _val = struct.unpack_from("<qQ", data, off)
                if tag == 0:
                    break
                needed += tag == DT_NEEDED
    return interp, needed


def main(image, out):
    problems = []
    with tarfile.open(image) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))[0]
        config = json.load(archive.extractfile(manifest["Config"]))["config"]
        files, binary = {}, None
        for layer in manifest["Layers"]:
            with tarfile.open(fileobj=io.BytesIO(archive.extractfile(layer).read())) as tar:
                for member in tar.getmembers():
                    name = member.name.strip("/").removeprefix("./")
                    files[name] = member
                    if name == BINARY:
                        binary = tar.extractfile(member).read()
    print(f"image files: {', '.join(sorted(files))}")
    extra = sorted(n for n in files if n != BINARY and n not in ALLOWED_DIRS)
    if extra:
        problems.append(f"files other than the binary: {', '.join(extra)}")
    if binary is None:
        problems.append(f"no {BINARY}")
    else:
        mode = files[BINARY].mode & 0o7777
        if mode & 0o222:
            problems.append(f"the binary is writable (mode {mode:o})")
        interp, needed = elf_links(binary)
        print(f"binary: {len(binary)} bytes, interpreter {interp}, {needed} shared libraries")
        if interp is not None or needed:
            problems.append(f"the binary is dynamically linked ({interp}, {needed} libraries)")
        with open(out, "wb") as f:
            f.write(binary)
    user = config.get("User", "")
    print(f"user: {user!r}, entrypoint: {config.get('Entrypoint')}")
    if user.split(":")[0] in ("", "0", "root"):
        problems.append(f"runs as root (User {user!r})")
    if config.get("Entrypoint") != ["/" + BINARY]:
        problems.append(f"the entrypoint is not /{BINARY}")
    for p in problems:
        print(f"image-check: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
