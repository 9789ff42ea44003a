#ifndef TRACIA_CSYSTEM_SHIM_H
#define TRACIA_CSYSTEM_SHIM_H
/* The system calls the readiness descriptors need and Glibc's module does not carry. */
#include <sys/eventfd.h>
#include <poll.h>
#endif
