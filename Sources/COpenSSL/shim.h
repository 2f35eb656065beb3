#ifndef PGSECURE_COPENSSL_SHIM_H
#define PGSECURE_COPENSSL_SHIM_H
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/bio.h>

// Macros Swift cannot import.
static inline long pgsecure_BIO_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }
static inline int pgsecure_sk_X509_num(const STACK_OF(X509) *s) { return sk_X509_num(s); }
static inline X509 *pgsecure_sk_X509_value(const STACK_OF(X509) *s, int i) { return sk_X509_value(s, i); }
static inline int pgsecure_sk_GENERAL_NAME_num(const STACK_OF(GENERAL_NAME) *s) { return sk_GENERAL_NAME_num(s); }
static inline GENERAL_NAME *pgsecure_sk_GENERAL_NAME_value(const STACK_OF(GENERAL_NAME) *s, int i) { return sk_GENERAL_NAME_value(s, i); }
static inline void pgsecure_GENERAL_NAMES_free(GENERAL_NAMES *names) { GENERAL_NAMES_free(names); }
// pgsecure test: names in RFC 2253 order with UTF-8 left readable and control characters kept as they are, so JSON
// carries the exact name; TerminalText escapes them for a terminal (composite macros do not import).
static inline unsigned long pgsecure_XN_FLAG_RFC2253_UTF8(void) {
    return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB & ~ASN1_STRFLGS_ESC_CTRL;
}
#endif
