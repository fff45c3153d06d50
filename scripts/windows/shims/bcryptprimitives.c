/* Test-only stand-in for bcryptprimitives.dll, which Windows 10 1903+ ships and Wine 8.0 lacks.
 * The Rust standard library (cryptography's extension) takes its random numbers from ProcessPrng; here
 * they come from BCryptGenRandom with the system RNG, which Wine does have. Never shipped: the Windows
 * tier copies it into the Wine prefix's system32 only (scripts/windows-tier.sh). */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
    while (size > 0) {
        ULONG chunk = size > 0x40000000 ? 0x40000000 : (ULONG)size;
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
            return FALSE; /* Windows' ProcessPrng never fails; the caller then aborts rather than go on */
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}
