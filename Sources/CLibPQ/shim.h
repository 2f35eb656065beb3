#ifndef PGSECURE_CLIBPQ_SHIM_H
#define PGSECURE_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
