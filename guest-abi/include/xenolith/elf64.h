/* SPDX-License-Identifier: MIT */
/*
 * Xenolith: the ELF64 structures and constants the PV kernel loader needs
 * (System V gABI, x86-64 psABI).  Portable and freestanding: no <elf.h>.
 * The loader reads fields byte by byte at these offsets, so an image need
 * not be aligned in memory.
 */
#ifndef XENOLITH_ELF64_H
#define XENOLITH_ELF64_H

#include "../xen/types.h"

#define ELF64_EI_NIDENT   16
#define ELF64_EI_MAG0     0 /* 0x7f 'E' 'L' 'F' */
#define ELF64_EI_CLASS    4
#define ELF64_EI_DATA     5
#define ELF64_EI_VERSION  6
#define ELF64_EI_OSABI    7
#define ELF64_ELFCLASS64  2
#define ELF64_ELFDATA2LSB 1
#define ELF64_EV_CURRENT  1

#define ELF64_ET_EXEC   2
#define ELF64_ET_DYN    3
#define ELF64_EM_X86_64 62

#define ELF64_PN_XNUM 0xffff /* e_phnum escape: the real count is elsewhere */

#define ELF64_PT_NULL 0
#define ELF64_PT_LOAD 1
#define ELF64_PT_NOTE 4
#define ELF64_PF_X    0x1u
#define ELF64_PF_W    0x2u
#define ELF64_PF_R    0x4u

#define ELF64_SHT_NULL     0
#define ELF64_SHT_PROGBITS 1
#define ELF64_SHT_NOTE     7
#define ELF64_SHT_NOBITS   8

struct elf64_ehdr {
    uint8_t e_ident[ELF64_EI_NIDENT];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};
XEN_ABI_SIZE(struct elf64_ehdr, 64);
XEN_ABI_OFFSET(struct elf64_ehdr, e_type, 16);
XEN_ABI_OFFSET(struct elf64_ehdr, e_machine, 18);
XEN_ABI_OFFSET(struct elf64_ehdr, e_version, 20);
XEN_ABI_OFFSET(struct elf64_ehdr, e_entry, 24);
XEN_ABI_OFFSET(struct elf64_ehdr, e_phoff, 32);
XEN_ABI_OFFSET(struct elf64_ehdr, e_shoff, 40);
XEN_ABI_OFFSET(struct elf64_ehdr, e_ehsize, 52);
XEN_ABI_OFFSET(struct elf64_ehdr, e_phentsize, 54);
XEN_ABI_OFFSET(struct elf64_ehdr, e_phnum, 56);
XEN_ABI_OFFSET(struct elf64_ehdr, e_shentsize, 58);
XEN_ABI_OFFSET(struct elf64_ehdr, e_shnum, 60);
XEN_ABI_OFFSET(struct elf64_ehdr, e_shstrndx, 62);

struct elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};
XEN_ABI_SIZE(struct elf64_phdr, 56);
XEN_ABI_OFFSET(struct elf64_phdr, p_flags, 4);
XEN_ABI_OFFSET(struct elf64_phdr, p_offset, 8);
XEN_ABI_OFFSET(struct elf64_phdr, p_vaddr, 16);
XEN_ABI_OFFSET(struct elf64_phdr, p_paddr, 24);
XEN_ABI_OFFSET(struct elf64_phdr, p_filesz, 32);
XEN_ABI_OFFSET(struct elf64_phdr, p_memsz, 40);
XEN_ABI_OFFSET(struct elf64_phdr, p_align, 48);

struct elf64_shdr {
    uint32_t sh_name;
    uint32_t sh_type;
    uint64_t sh_flags;
    uint64_t sh_addr;
    uint64_t sh_offset;
    uint64_t sh_size;
    uint32_t sh_link;
    uint32_t sh_info;
    uint64_t sh_addralign;
    uint64_t sh_entsize;
};
XEN_ABI_SIZE(struct elf64_shdr, 64);
XEN_ABI_OFFSET(struct elf64_shdr, sh_type, 4);
XEN_ABI_OFFSET(struct elf64_shdr, sh_offset, 24);
XEN_ABI_OFFSET(struct elf64_shdr, sh_size, 32);

/* A note header: namesz, descsz, type, then name and desc, each padded to 4. */
struct elf64_nhdr {
    uint32_t n_namesz;
    uint32_t n_descsz;
    uint32_t n_type;
};
XEN_ABI_SIZE(struct elf64_nhdr, 12);

#endif /* XENOLITH_ELF64_H */
