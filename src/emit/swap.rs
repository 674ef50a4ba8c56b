//! The switch: staging and `out` exchanged in one `renameat2(RENAME_EXCHANGE)` (`renameatx_np` on Apple
//! systems), or the two-rename fallback that recovery can finish after a kill.

use super::*;

/// Puts the staged tree at `out`. Returns where the old tree is now, if there was one.
pub(super) fn swap(target: &Target, staging: &Path) -> Result<Option<PathBuf>, EmitError> {
    let out = &target.out;
    if !exists(out)? {
        fs::rename(staging, out).map_err(io_err("create", out))?;
        // Best effort: the switch is done; this only makes it durable sooner.
        let _ = sync_dir(target.dir());
        return Ok(None);
    }
    match exchange(staging, out) {
        Ok(()) => {
            let _ = sync_dir(target.dir());
            Ok(Some(staging.to_path_buf()))
        }
        Err(e) if exchange_unsupported(&e) => {
            let aside = target.aside();
            move_aside(target, &aside)?;
            move_in(target, staging, &aside)?;
            let _ = sync_dir(target.dir());
            Ok(Some(aside))
        }
        Err(e) => Err(io_err("replace", out)(e)),
    }
}

/// Swaps two directories atomically: `renameat2(RENAME_EXCHANGE)` on Linux, `renameatx_np(RENAME_SWAP)`
/// on Apple systems (both through rustix, which wraps them safely).
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
pub(super) fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
pub(super) fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Whether the exchange failed because the system or filesystem lacks it (not because of the paths).
pub(super) fn exchange_unsupported(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        use rustix::io::Errno;
        let lacking = [Errno::INVAL, Errno::NOSYS, Errno::OPNOTSUPP];
        if lacking
            .iter()
            .any(|errno| e.raw_os_error() == Some(errno.raw_os_error()))
        {
            return true;
        }
    }
    e.kind() == io::ErrorKind::Unsupported
}

/// Fallback switch, step one: the old tree goes beside `out`.
pub(super) fn move_aside(target: &Target, aside: &Path) -> Result<(), EmitError> {
    fs::rename(&target.out, aside).map_err(io_err("move", &target.out))
}

/// Fallback switch, step two: the staged tree becomes `out`; on failure the old tree goes back.
pub(super) fn move_in(target: &Target, staging: &Path, aside: &Path) -> Result<(), EmitError> {
    fs::rename(staging, &target.out).map_err(|e| {
        // If this fails too, `recover` puts the old tree back at the next write.
        let _ = fs::rename(aside, &target.out);
        io_err("replace", &target.out)(e)
    })
}
