#include "shim/tcpcrypt.h"

#define SHIM_API __attribute__((visibility("default")))

extern "C" SHIM_API int tcpcrypt_api_version(void) { return 1; }
