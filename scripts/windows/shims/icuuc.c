/* Test-only stand-in for the system icuuc.dll (Windows 10 1903+), which Wine 8.0 lacks and Qt6Core
 * imports for its legacy text codecs. It knows no converter: ucnv_open fails, so Qt falls back to its own
 * UTF-8/UTF-16/Latin-1 codecs, which are all the app uses. Never shipped: the Windows tier copies it into
 * the Wine prefix's system32 only (scripts/windows-tier.sh). */
#include <stddef.h>
#include <stdint.h>

typedef int UErrorCode;
typedef uint16_t UChar;
typedef struct UConverter UConverter;
#define U_FILE_ACCESS_ERROR 4
#define EXPORT __declspec(dllexport)

static int failed(UErrorCode *err) { return err == NULL || *err > 0; }

EXPORT UConverter *ucnv_open(const char *name, UErrorCode *err)
{
    (void)name;
    if (!failed(err))
        *err = U_FILE_ACCESS_ERROR;
    return NULL;
}
EXPORT void ucnv_close(UConverter *c) { (void)c; }
EXPORT void ucnv_reset(UConverter *c) { (void)c; }
EXPORT int8_t ucnv_getMaxCharSize(const UConverter *c) { (void)c; return 4; }
EXPORT const char *ucnv_getName(const UConverter *c, UErrorCode *err) { (void)c; (void)err; return "UTF-8"; }
EXPORT void ucnv_getToUCallBack(const UConverter *c, void **action, const void **context)
{ (void)c; if (action) *action = NULL; if (context) *context = NULL; }
EXPORT void ucnv_getFromUCallBack(const UConverter *c, void **action, const void **context)
{ (void)c; if (action) *action = NULL; if (context) *context = NULL; }
EXPORT void ucnv_setToUCallBack(UConverter *c, void *a, const void *ctx, void **oa, const void **octx, UErrorCode *err)
{ (void)c; (void)a; (void)ctx; if (oa) *oa = NULL; if (octx) *octx = NULL; (void)err; }
EXPORT void ucnv_setFromUCallBack(UConverter *c, void *a, const void *ctx, void **oa, const void **octx, UErrorCode *err)
{ (void)c; (void)a; (void)ctx; if (oa) *oa = NULL; if (octx) *octx = NULL; (void)err; }
EXPORT void ucnv_cbToUWriteUChars(void *args, const UChar *s, int32_t len, int32_t off, UErrorCode *err)
{ (void)args; (void)s; (void)len; (void)off; if (!failed(err)) *err = U_FILE_ACCESS_ERROR; }
EXPORT void ucnv_cbFromUWriteUChars(void *args, const UChar **s, const UChar *end, int32_t off, UErrorCode *err)
{ (void)args; (void)s; (void)end; (void)off; if (!failed(err)) *err = U_FILE_ACCESS_ERROR; }
EXPORT void ucnv_toUnicode(UConverter *c, UChar **t, const UChar *te, const char **s, const char *se, int32_t *o, int8_t f, UErrorCode *err)
{ (void)c; (void)t; (void)te; (void)s; (void)se; (void)o; (void)f; if (!failed(err)) *err = U_FILE_ACCESS_ERROR; }
EXPORT void ucnv_fromUnicode(UConverter *c, char **t, const char *te, const UChar **s, const UChar *se, int32_t *o, int8_t f, UErrorCode *err)
{ (void)c; (void)t; (void)te; (void)s; (void)se; (void)o; (void)f; if (!failed(err)) *err = U_FILE_ACCESS_ERROR; }
EXPORT int32_t ucnv_toUCountPending(const UConverter *c, UErrorCode *err) { (void)c; (void)err; return 0; }
EXPORT int32_t ucnv_fromUCountPending(const UConverter *c, UErrorCode *err) { (void)c; (void)err; return 0; }
EXPORT const char *ucnv_getStandardName(const char *name, const char *standard, UErrorCode *err)
{ (void)name; (void)standard; (void)err; return NULL; }
EXPORT const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
EXPORT int32_t ucnv_countAvailable(void) { return 0; }
EXPORT void UCNV_FROM_U_CALLBACK_SUBSTITUTE(const void *c, void *a, const UChar *cu, int32_t l, int32_t cp, int r, UErrorCode *err)
{ (void)c; (void)a; (void)cu; (void)l; (void)cp; (void)r; (void)err; }
EXPORT void UCNV_TO_U_CALLBACK_SUBSTITUTE(const void *c, void *a, const char *cb, int32_t l, int r, UErrorCode *err)
{ (void)c; (void)a; (void)cb; (void)l; (void)r; (void)err; }
