#!/usr/bin/env python3
"""Generates the self-test programs: per architecture, the smallest clean static ELF executable
that makes the `exit` system call with code 42 (no libc, no sections, one PT_LOAD).

Layout of every program (no tricks, no overlapping headers):

    offset 0                 ELF header (52 bytes ELFCLASS32, 64 bytes ELFCLASS64)
    offset e_phoff=ehsize    one program header, PT_LOAD (32 / 56 bytes) mapping the whole file
    offset ehsize+phentsize  the code; e_entry points at it

Two variants per architecture:

    plain   e_ident[EI_PAD] all zero: what Debian's / tonistiigi's `qemu-*` binfmt_misc entries
            match (their masks require bytes 8..15 to be zero), so executing it proves the real
            handler (registered, interpreter opens, F flag).
    tagged  e_ident[9..15] = b"CMTEST\\0" (EI_PAD, ignored by the kernel's and QEMU's ELF loaders):
            no `qemu-*` entry matches it, and no real binary has it, so a test entry whose magic
            includes these bytes (see TAG_MAGIC/TAG_MASK) matches only the tests' own files.

Usage:
    gen.py                 write programs.json and programs.hex next to this script
    gen.py --out DIR       also write DIR/<arch> and DIR/<arch>.tagged (mode 755)
    gen.py --csharp        print the plain programs as C# byte-array initialisers
"""
import json
import os
import struct
import sys

EXIT_CODE = 42
BASE = 0x400000          # load address: 4 MiB, above mmap_min_addr, aligned for 4K..64K pages
ALIGN = 0x10000          # p_align: 64 KiB, valid for every page size these arches use
TAG = b"CMTEST\x00"      # e_ident[9..15] (EI_PAD, 7 bytes) of the tagged variant

ET_EXEC = 2
EV_CURRENT = 1
PT_LOAD = 1
PF_R, PF_X = 4, 1


def u32le(*words):
    return b"".join(struct.pack("<I", w) for w in words)


def u32be(*words):
    return b"".join(struct.pack(">I", w) for w in words)


# Each entry: docker platform(s) -> ELF facts + machine code.
#   cls: 1 = ELFCLASS32, 2 = ELFCLASS64;  data: 1 = ELFDATA2LSB, 2 = ELFDATA2MSB
#   machine: e_machine;  flags: e_flags;  qemu: the qemu-<name>-static / binfmt entry name
#   code: the instructions (exit(42)), asm: the same in assembler, for the README
ARCHES = [
    dict(arch="amd64", platforms=["linux/amd64"], qemu="x86_64", cls=2, data=1, machine=62,  # EM_X86_64
         flags=0,
         asm=["mov edi, 42", "mov eax, 60      ; __NR_exit (x86_64)", "syscall"],
         code=bytes([0xBF, EXIT_CODE, 0, 0, 0, 0xB8, 60, 0, 0, 0, 0x0F, 0x05])),
    dict(arch="386", platforms=["linux/386"], qemu="i386", cls=1, data=1, machine=3,  # EM_386
         flags=0,
         asm=["mov ebx, 42", "mov eax, 1       ; __NR_exit (i386)", "int 0x80"],
         code=bytes([0xBB, EXIT_CODE, 0, 0, 0, 0xB8, 1, 0, 0, 0, 0xCD, 0x80])),
    dict(arch="arm64", platforms=["linux/arm64", "linux/arm64/v8"], qemu="aarch64", cls=2, data=1,
         machine=183, flags=0,  # EM_AARCH64
         asm=["movz x0, #42", "movz x8, #93     ; __NR_exit (generic)", "svc #0"],
         code=u32le(0xD2800000 | (EXIT_CODE << 5) | 0,
                    0xD2800000 | (93 << 5) | 8,
                    0xD4000001)),
    # One program for arm/v5, arm/v6 and arm/v7: ARM (A32) encodings valid on every ARMv4T+ core,
    # EABI version 5 (the kernel/QEMU then use the EABI syscall convention: number in r7, svc 0).
    # No float ABI bit: the program uses no floating point (what GNU ld writes for such objects).
    dict(arch="arm", platforms=["linux/arm/v7", "linux/arm/v6", "linux/arm/v5", "linux/arm"],
         qemu="arm", cls=1, data=1, machine=40, flags=0x05000000,  # EM_ARM, EF_ARM_EABI_VER5
         asm=["mov r0, #42", "mov r7, #1       ; __NR_exit (arm EABI)", "svc #0"],
         code=u32le(0xE3A00000 | EXIT_CODE, 0xE3A07001, 0xEF000000)),
    # e_flags 0x4 = EF_RISCV_FLOAT_ABI_DOUBLE (lp64d, the Debian/Alpine riscv64 ABI); no RVC bit
    # (0x1) because no compressed instruction is used.
    dict(arch="riscv64", platforms=["linux/riscv64"], qemu="riscv64", cls=2, data=1, machine=243,
         flags=0x4,  # EM_RISCV
         asm=["addi a0, zero, 42", "addi a7, zero, 93 ; __NR_exit (generic)", "ecall"],
         code=u32le((EXIT_CODE << 20) | (10 << 7) | 0x13,
                    (93 << 20) | (17 << 7) | 0x13,
                    0x00000073)),
    # e_flags 2 = ELFv2 ABI. Required: with 0/1 (ELFv1) QEMU and the kernel read e_entry as the
    # address of a function descriptor, not of the first instruction.
    dict(arch="ppc64le", platforms=["linux/ppc64le"], qemu="ppc64le", cls=2, data=1, machine=21,
         flags=2,  # EM_PPC64
         asm=["li r0, 1         ; __NR_exit (powerpc)", "li r3, 42", "sc"],
         code=u32le(0x38000000 | 1, 0x38600000 | EXIT_CODE, 0x44000002)),
    # Big-endian. svc with the syscall number as the immediate (exit = 1), argument in r2.
    dict(arch="s390x", platforms=["linux/s390x"], qemu="s390x", cls=2, data=2, machine=22,
         flags=0,  # EM_S390
         asm=["lghi %r2, 42", "svc 1            ; __NR_exit (s390)"],
         code=bytes([0xA7, 0x29, 0x00, EXIT_CODE, 0x0A, 0x01])),
    # n64 ABI (ELFCLASS64): exit = 5058. e_flags = EF_MIPS_ARCH_64R2 | CPIC | PIC | NOREORDER,
    # what Debian's mips64el binaries carry.
    dict(arch="mips64le", platforms=["linux/mips64le"], qemu="mips64el", cls=2, data=1, machine=8,
         flags=0x80000007,  # EM_MIPS
         asm=["addiu a0, zero, 42", "addiu v0, zero, 5058 ; __NR_exit (mips n64)", "syscall"],
         code=u32le(0x24000000 | (4 << 16) | EXIT_CODE,
                    0x24000000 | (2 << 16) | 5058,
                    0x0000000C)),
    # e_flags 0x43 = EF_LOONGARCH_OBJABI_V1 | EF_LOONGARCH_ABI_DOUBLE_FLOAT (lp64d).
    dict(arch="loong64", platforms=["linux/loong64"], qemu="loongarch64", cls=2, data=1,
         machine=258, flags=0x43,  # EM_LOONGARCH
         asm=["addi.w $a0, $zero, 42", "addi.w $a7, $zero, 93 ; __NR_exit (generic)", "syscall 0"],
         code=u32le(0x02800000 | (EXIT_CODE << 10) | (0 << 5) | 4,
                    0x02800000 | (93 << 10) | (0 << 5) | 11,
                    0x002B0000)),
]


def build(a, tagged=False):
    e = "<" if a["data"] == 1 else ">"
    is64 = a["cls"] == 2
    ehsize = 64 if is64 else 52
    phentsize = 56 if is64 else 32
    code_off = ehsize + phentsize
    size = code_off + len(a["code"])
    entry = BASE + code_off

    ident = bytes([0x7F, ord("E"), ord("L"), ord("F"), a["cls"], a["data"], EV_CURRENT,
                   0,  # EI_OSABI: ELFOSABI_SYSV
                   0])  # EI_ABIVERSION
    ident += TAG if tagged else bytes(7)  # EI_PAD
    assert len(ident) == 16

    if is64:
        ehdr = ident + struct.pack(e + "HHIQQQIHHHHHH",
                                   ET_EXEC, a["machine"], EV_CURRENT,
                                   entry,       # e_entry
                                   ehsize,      # e_phoff
                                   0,           # e_shoff: no section headers
                                   a["flags"],  # e_flags
                                   ehsize, phentsize, 1,  # e_ehsize, e_phentsize, e_phnum
                                   0, 0, 0)     # e_shentsize, e_shnum, e_shstrndx
        phdr = struct.pack(e + "IIQQQQQQ",
                           PT_LOAD, PF_R | PF_X,
                           0,            # p_offset: map from the start of the file
                           BASE, BASE,   # p_vaddr, p_paddr
                           size, size,   # p_filesz, p_memsz
                           ALIGN)
    else:
        ehdr = ident + struct.pack(e + "HHIIIIIHHHHHH",
                                   ET_EXEC, a["machine"], EV_CURRENT,
                                   entry, ehsize, 0, a["flags"],
                                   ehsize, phentsize, 1, 0, 0, 0)
        # Elf32_Phdr field order differs: p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align
        phdr = struct.pack(e + "IIIIIIII",
                           PT_LOAD, 0, BASE, BASE, size, size, PF_R | PF_X, ALIGN)
    assert len(ehdr) == ehsize and len(phdr) == phentsize
    blob = ehdr + phdr + a["code"]
    assert len(blob) == size
    return blob


# Capability probes (optional, not part of the pass/fail self-test): programs whose exit code is
# the errno a system call returned, to tell an emulator that lacks a syscall (ENOSYS = 38) from one
# that has it (the kernel's own answer, here EINVAL = 22). Same layout as the self-test programs.
#   openat2(AT_FDCWD, NULL, NULL, 0): a real kernel (and QEMU >= 9.2) answers EINVAL because
#   size 0 < OPEN_HOW_SIZE_VER0, before looking at the pointers; QEMU without openat2 answers
#   ENOSYS. GNU tar patched for CVE-2025-45582 needs openat2 ("Cannot open: Function not
#   implemented" under an emulator that lacks it).
PROBES = [
    dict(name="openat2", arch="arm64", expect={22: "implemented (EINVAL)", 38: "missing (ENOSYS)"},
         asm=["movn x0, #99      ; AT_FDCWD (-100)", "movz x1, #0       ; how = NULL path",
              "movz x2, #0", "movz x3, #0       ; size 0", "movz x8, #437     ; __NR_openat2",
              "svc #0", "neg x0, x0        ; exit code = errno", "movz x8, #93", "svc #0"],
         code=u32le(0x92800C60, 0xD2800001, 0xD2800002, 0xD2800003, 0xD2800000 | (437 << 5) | 8,
                    0xD4000001, 0xCB0003E0, 0xD2800000 | (93 << 5) | 8, 0xD4000001)),
]


def build_probe(pr):
    base = [a for a in ARCHES if a["arch"] == pr["arch"]][0]
    return build(dict(base, code=pr["code"]))


# Magic/mask for a test-only binfmt_misc entry matching the TAGGED program of an arch: bytes 0..19
# (ident incl. the CMTEST tag, e_type, e_machine). Only files carrying the tag match it.
def tag_magic(a):
    blob = build(a, tagged=True)
    magic = blob[:20]
    mask = bytes([0xFF] * 20)
    return magic, mask


def hexstr(b):
    return b.hex()


def binfmt_escape(b):
    return "".join("\\x%02x" % c for c in b)


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    out = None
    if "--out" in argv:
        out = argv[argv.index("--out") + 1]
    if "--csharp" in argv:
        for a in ARCHES:
            b = build(a)
            body = ", ".join("0x%02X" % c for c in b)
            print("// %s (%s): %d bytes, exit(%d)" % (a["arch"], ", ".join(a["platforms"]), len(b), EXIT_CODE))
            print("[\"%s\"] = new byte[] { %s }," % (a["arch"], body))
        return 0

    doc = {"exitCode": EXIT_CODE, "baseAddress": BASE, "tag": hexstr(TAG), "programs": []}
    lines = ["# arch qemu size plain-hex   (exit(%d); regenerate with gen.py)" % EXIT_CODE]
    for a in ARCHES:
        plain, tagged = build(a), build(a, tagged=True)
        magic, mask = tag_magic(a)
        doc["programs"].append({
            "arch": a["arch"], "platforms": a["platforms"], "qemu": a["qemu"],
            "elfClass": a["cls"] * 32, "endian": "little" if a["data"] == 1 else "big",
            "eMachine": a["machine"], "eFlags": "0x%08x" % a["flags"],
            "size": len(plain), "asm": a["asm"],
            "hex": hexstr(plain), "taggedHex": hexstr(tagged),
            "testEntryMagic": binfmt_escape(magic), "testEntryMask": binfmt_escape(mask),
        })
        lines.append("%s %s %d %s" % (a["arch"], a["qemu"], len(plain), hexstr(plain)))
        if out:
            os.makedirs(out, exist_ok=True)
            for name, blob in ((a["arch"], plain), (a["arch"] + ".tagged", tagged)):
                p = os.path.join(out, name)
                with open(p, "wb") as f:
                    f.write(blob)
                os.chmod(p, 0o755)
    doc["probes"] = []
    for pr in PROBES:
        blob = build_probe(pr)
        doc["probes"].append({"name": pr["name"], "arch": pr["arch"], "size": len(blob), "asm": pr["asm"],
                              "exitCodes": {str(k): v for k, v in pr["expect"].items()},
                              "hex": hexstr(blob)})
        if out:
            p = os.path.join(out, "probe-%s-%s" % (pr["name"], pr["arch"]))
            with open(p, "wb") as f:
                f.write(blob)
            os.chmod(p, 0o755)
    with open(os.path.join(here, "programs.json"), "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    with open(os.path.join(here, "programs.hex"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
