/* bcryptprimitives.dll's ProcessPrng, which Rust's std imports on Windows: Debian's
 * wine 8 lacks it, so a Windows build exits at once under wine without this shim beside
 * it. It fills the buffer from RtlGenRandom (advapi32's SystemFunction036), which wine
 * has. Used only by the wine smoke test (.ci/cross-smoke). */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
