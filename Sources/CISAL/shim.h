#ifndef KSAN_CISAL_SHIM_H
#define KSAN_CISAL_SHIM_H
#include <isa-l/erasure_code.h>
#include <isa-l/crc.h>
#include <isa-l/crc64.h>
#endif
