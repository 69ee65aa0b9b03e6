/* Public API of libtcpcrypt.so (C and C++). Socket-call interposition is not built
 * yet (see README status table); this header grows with it. Thread-safe. */
#ifndef TCPCRYPT_H
#define TCPCRYPT_H

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the TCPINC API this library implements (>= 1). */
int tcpcrypt_api_version(void);

#ifdef __cplusplus
}
#endif

#endif /* TCPCRYPT_H */
