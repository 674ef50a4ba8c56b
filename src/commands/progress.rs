//! A progress line on stderr for commands that take more than a moment: shown only when stderr is a
//! terminal and `--quiet` is off, after half a second, and erased when the work is done, so logs, pipes
//! and CI output never see it.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub struct Progress {
    done: Arc<AtomicBool>,
    shown: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Start showing `stage` if the command is still running after half a second.
    pub fn start(stage: &'static str, quiet: bool) -> Progress {
        let done = Arc::new(AtomicBool::new(false));
        let shown = Arc::new(AtomicBool::new(false));
        // `\r\x1b[K` erases the line; a dumb terminal cannot (`TERM=dumb`).
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        let thread = (!quiet && !dumb && std::io::stderr().is_terminal()).then(|| {
            let (done, shown) = (done.clone(), shown.clone());
            std::thread::spawn(move || {
                let started = Instant::now();
                while !done.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    let elapsed = started.elapsed();
                    if elapsed < Duration::from_millis(500) || done.load(Ordering::Relaxed) {
                        continue;
                    }
                    let mut err = std::io::stderr().lock();
                    let _ = write!(err, "\r\x1b[K{stage}… {:.1}s", elapsed.as_secs_f64());
                    let _ = err.flush();
                    shown.store(true, Ordering::Relaxed);
                }
            })
        });
        Progress {
            done,
            shown,
            thread,
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        if self.shown.load(Ordering::Relaxed) {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
        }
    }
}
