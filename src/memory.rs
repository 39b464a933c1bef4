//! Hands freed heap pages back to the system after a burst (a list of 10,000 pods
//! decoded, a start-up fill): glibc keeps them resident in every thread's arena
//! otherwise, and resident memory is what users see. A no-op off glibc.

/// Returns free heap memory to the system.
pub fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it takes no pointers
    // from us and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Allocator settings for a long-lived process that decodes large lists: blocks of
/// 128 KiB and more (list pages, response bodies) are mapped and unmapped on their own
/// instead of being carved from the heap, where glibc's default raises that threshold
/// after the first large free and then keeps every later page resident; and threads share
/// two arenas instead of one each. Call once, first thing.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; called before other threads start.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
