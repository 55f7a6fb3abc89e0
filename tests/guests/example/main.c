/* SPDX-License-Identifier: MIT */
/*
 * Hello world, the smallest test guest; it also checks the start_info the
 * builder handed over: magic, initial-domain flags, the command line from
 * guest.cfg (exactly: the boot loader's file name is not part of it).
 */
#include <rt/runtime.h>

const char test_title[] = "Example: hello world";

void test_main(void)
{
    printf("Hello, world\n");
    CHECK(!strncmp(start_info->magic, XEN_START_INFO_MAGIC, strlen(XEN_START_INFO_MAGIC)),
          "magic \"%.32s\"", start_info->magic);
    CHECK_EQ(start_info->flags & (SIF_INITDOMAIN | SIF_PRIVILEGED),
             SIF_INITDOMAIN | SIF_PRIVILEGED);
    CHECK(!strcmp((const char *)start_info->cmd_line, "hello world=1 x"), "cmd_line \"%s\"",
          (const char *)start_info->cmd_line);
    CHECK(start_info->nr_pages >= 1024, "nr_pages %lu", start_info->nr_pages);
    CHECK_EQ(mfn_to_pfn(virt_to_mfn(start_info)), (uintptr_t)start_info >> 12); /* M2P */
    CHECK_EQ(start_info->pt_base & 0xfff, 0);
    test_success();
}
