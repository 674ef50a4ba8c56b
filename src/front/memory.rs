//! A memory budget for one piece of work: what a template rendering may allocate.
//!
//! minijinja bounds a rendering's instructions (fuel) and fanout bounds what it writes, but a template
//! can still build a huge value without writing it: `{% set s = s ~ s %}` doubles a string per
//! instruction. Only the allocator sees those allocations. [`Guarded`] wraps the program's global
//! allocator and charges every allocation made on a thread that runs under [`with_budget`] (net of what
//! that thread frees). An allocation past the budget never returns: the thread parks for good inside it,
//! so no half-built value is used and nothing it holds is touched again; the caller, which waits on its
//! own thread, sees the overrun and reports it. The parked thread keeps at most the budget until the
//! process ends.
//!
//! The work also has a time limit: past it the caller stops waiting and reports it, and the thread's
//! next allocation parks it the same way (work that never allocates is bounded by its fuel).
//!
//! The binary installs it (`#[global_allocator]` in `main.rs`). Without it (the library used on its
//! own, unit tests) work still runs on its own thread, but budgets are not enforced and work past its
//! time limit runs on, unwatched, to its end.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

/// A global allocator that enforces [`with_budget`] around `A`.
pub struct Guarded<A>(pub A);

thread_local! {
    /// Bytes this thread may hold; 0 when it runs under no budget.
    static LIMIT: Cell<usize> = const { Cell::new(0) };
    /// Bytes this thread allocated (net) since its budget began.
    static USED: Cell<usize> = const { Cell::new(0) };
    /// Raised when this thread goes over: the waiting caller's flag.
    static OVER: Cell<*const AtomicBool> = const { Cell::new(std::ptr::null()) };
    /// Raised by the caller when this thread ran out of time.
    static STOP: Cell<*const AtomicBool> = const { Cell::new(std::ptr::null()) };
}

/// Counts `bytes` against the current thread's budget; past it, raises the caller's flag and parks the
/// thread for good. Allocates nothing itself.
fn charge(bytes: usize) {
    let Ok(limit) = LIMIT.try_with(Cell::get) else {
        return;
    };
    if limit == 0 {
        return;
    }
    let stop = STOP.get();
    // SAFETY: set by `with_budget` from an `Arc` this thread's closure keeps alive forever.
    if !stop.is_null() && unsafe { (*stop).load(Ordering::SeqCst) } {
        loop {
            std::thread::park();
        }
    }
    let used = USED.get().saturating_add(bytes);
    USED.set(used);
    if used > limit {
        let over = OVER.get();
        if !over.is_null() {
            // SAFETY: set by `with_budget` from an `Arc` this thread's closure keeps alive forever.
            unsafe { (*over).store(true, Ordering::SeqCst) };
        }
        loop {
            std::thread::park();
        }
    }
}

fn release(bytes: usize) {
    if LIMIT.try_with(Cell::get).unwrap_or(0) != 0 {
        USED.set(USED.get().saturating_sub(bytes));
    }
}

// SAFETY: every call is passed through to `A` unchanged; `charge` and `release` only update
// thread-local counters (or never return), and allocate nothing.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Guarded<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        charge(layout.size());
        // SAFETY: the caller's contract, passed on.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        charge(layout.size());
        // SAFETY: the caller's contract, passed on.
        unsafe { self.0.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        release(layout.size());
        // SAFETY: the caller's contract, passed on.
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            charge(new_size - layout.size());
        } else {
            release(layout.size() - new_size);
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { self.0.realloc(ptr, layout, new_size) }
    }
}

/// The work went over its memory budget, or ran out of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exceeded {
    Memory,
    Time,
}

/// Runs `work` on a thread of its own that may hold at most `limit` bytes at once (enforced only under
/// [`Guarded`]) and is waited for at most `time`. A panic in `work` is resumed here.
pub fn with_budget<T: Send + 'static>(
    limit: usize,
    time: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Exceeded> {
    let over = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let (over_flag, stop_flag) = (Arc::clone(&over), Arc::clone(&stop));
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name("fanout-budgeted".into())
        .spawn(move || {
            // Everything the thread needs outside `work` is made before the budget begins.
            let _ = std::thread::current();
            OVER.set(Arc::as_ptr(&over_flag));
            STOP.set(Arc::as_ptr(&stop_flag));
            USED.set(0);
            LIMIT.set(limit.max(1));
            let result = work();
            LIMIT.set(0);
            let _ = tx.send(result);
            drop((over_flag, stop_flag));
        });
    let Ok(worker) = worker else {
        // no thread to run it on: the system is out of memory already
        return Err(Exceeded::Memory);
    };
    let deadline = Instant::now() + time;
    loop {
        match rx.recv_timeout(Duration::from_millis(5)) {
            Ok(result) => {
                let _ = worker.join();
                return Ok(result);
            }
            Err(RecvTimeoutError::Timeout) if over.load(Ordering::SeqCst) => {
                return Err(Exceeded::Memory);
            }
            Err(RecvTimeoutError::Timeout) if Instant::now() >= deadline => {
                stop.store(true, Ordering::SeqCst);
                return Err(Exceeded::Time);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => match worker.join() {
                Err(panic) => std::panic::resume_unwind(panic),
                Ok(()) => return Err(Exceeded::Memory),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn work_runs_and_returns_its_result() {
        assert_eq!(with_budget(1 << 20, MINUTE, || 6 * 7), Ok(42));
        let text = String::from("moved in");
        assert_eq!(with_budget(1 << 20, MINUTE, move || text.len()), Ok(8));
    }

    #[test]
    fn a_panic_in_the_work_reaches_the_caller() {
        let caught = std::panic::catch_unwind(|| with_budget(1 << 20, MINUTE, || panic!("boom")));
        assert!(caught.is_err());
    }

    #[test]
    fn work_past_its_time_is_not_waited_for() {
        let started = Instant::now();
        let slow = || std::thread::sleep(Duration::from_millis(500));
        assert_eq!(
            with_budget(1 << 20, Duration::from_millis(50), slow),
            Err(Exceeded::Time)
        );
        assert!(started.elapsed() < Duration::from_millis(400));
    }
}
